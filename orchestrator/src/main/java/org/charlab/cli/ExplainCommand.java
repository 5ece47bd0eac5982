package org.charlab.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.config.ConfigDocs;
import org.charlab.config.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "explain", mixinStandardHelpOptions = true, description = "Document a config field (type, default, range, meaning, paper). KEY is a "
        + "dotted path (sweep.seeds), a stage type (sft), a stage field (sft.learning_rate) or a bare field name. "
        + "Without KEY, list every field.")
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "KEY")
    String key;

    @Option(names = "--markdown", description = "Print the whole reference as Markdown (docs/config-reference.md).")
    boolean markdown;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConfigDocs docs = Catalogs.docs();
        if (markdown) {
            out.print(docs.markdown());
        } else if (key == null) {
            docs.summaryLines().forEach(out::println);
        } else {
            List<ConfigDocs.Entry> found = docs.find(key);
            if (found.isEmpty()) {
                List<String> paths = docs.allPaths().stream().map(p -> p.replaceAll("\\[type=[^]]*]", "")).toList();
                String near = Names.closest(key, paths);
                if (near == null) {
                    near = Names.closest(key.substring(key.lastIndexOf('.') + 1),
                            paths.stream().map(p -> p.substring(p.lastIndexOf('.') + 1)).toList());
                }
                throw new BadInput("explain: no config field '" + key + "'" + (near == null ? "" : "; did you mean '" + near + "'?")
                        + " (`charlab explain` lists all)");
            }
            found.forEach(e -> out.println(docs.text(e)));
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
