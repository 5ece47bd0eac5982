package org.charlab.data;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.charlab.BadInput;
import org.charlab.config.FileRef;

/**
 * A data file a stage will read, with the reader that validates it: {@code validate}, {@code plan} and
 * {@code run} read every one before the first stage starts (a stage kind declares them through
 * {@code StageKind.dataFiles}), so a bad line stops the command with the same {@code FILE:LINE: problem}
 * the stage itself would give, before any upstream stage has trained. {@code format} names the reader
 * (the same file read as two formats is checked twice; named twice in one format, once). A file with
 * no records is refused too: a stage given an empty dataset has nothing to train on or evaluate.
 */
public record DataFile(Path path, String format, Function<Path, List<?>> reader) {

    /** Conversations for sft ({@link ConversationJsonl}). */
    public static DataFile conversations(FileRef file) {
        return new DataFile(file.path(), "conversations", ConversationJsonl::read);
    }

    /** Preference pairs for dpo ({@link PreferencePairJsonl}). */
    public static DataFile preferencePairs(FileRef file) {
        return new DataFile(file.path(), "preference pairs", PreferencePairJsonl::read);
    }

    /** A constitution for dpo's teacher ({@link Constitution}): one record per trait. */
    public static DataFile constitution(org.charlab.config.FileRef file) {
        return new DataFile(file.path(), "constitution", p -> Constitution.read(p).traits());
    }

    /** A prompt set for opd and eval ({@link PromptItemJsonl}). */
    public static DataFile prompts(FileRef file) {
        return new DataFile(file.path(), "prompts", PromptItemJsonl::read);
    }

    /** A prompt set whose every line carries an answer (opd with a privileged teacher). */
    public static DataFile promptsWithAnswers(FileRef file) {
        return new DataFile(file.path(), "prompts with answers", PromptItemJsonl::readWithAnswers);
    }

    /** Reads the whole file; throws {@link BadInput} ({@code FILE:LINE: problem}) on the first bad line. */
    public void validate() {
        if (reader.apply(path).isEmpty()) {
            throw new BadInput(path + ": no " + format + " in the file (it is empty or holds only blank lines)");
        }
    }
}
