package org.charlab.config;

import org.charlab.BadInput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.testing.CountStageKind;
import org.junit.jupiter.api.Test;

class BinderTest {

    private static final Path F = Path.of("exp.yaml");
    private final Binder binder = new Binder(t -> t.equals("count") ? CountStageKind.Config.class : null)
            .withKnownTypes(List.of("count"));

    private ExperimentSpec bind(String yaml) {
        return binder.bind(ExperimentSpec.class, YamlReader.parse(yaml, F), "");
    }

    private String error(String yaml) {
        return assertThrows(BadInput.class, () -> bind(yaml)).getMessage();
    }

    @Test
    void defaultsFillWhatTheFileLeavesOut() {
        ExperimentSpec e = bind("name: x\nstages:\n  a: {type: count}\n");
        CountStageKind.Config c = (CountStageKind.Config) e.stages().get("a").config();
        assertEquals(1.0, c.value());
        assertEquals(CountStageKind.Mode.FAST, c.mode());
        assertNull(c.data());
        assertEquals(List.of(0L), e.sweep().seeds());
        assertEquals("cpu", e.runtime().device());
    }

    @Test
    void unknownKeySuggestsTheNearestAndNamesThePlace() {
        assertEquals("exp.yaml:3:20: unknown key 'valeu' at stages.a; did you mean 'value'? (allowed: type, input, seed, "
                + "value, work_ms, fail, data, reference, rate, mode)", error("name: x\nstages:\n  a: {type: count, valeu: 2}\n"));
        assertEquals("exp.yaml:2:1: unknown key 'stagse' at the top level; did you mean 'stages'? (allowed: name, "
                + "description, question, runtime, stages, sweep, executor, expectations, report)", error("name: x\nstagse: {}\n"));
    }

    @Test
    void wrongTypeNamesPathAndWhatWasFound() {
        assertEquals("exp.yaml:3:27: stages.a.value: expected a number, found the string 'lots'",
                error("name: x\nstages:\n  a: {type: count, value: lots}\n"));
        assertEquals("exp.yaml:4:14: sweep.seeds[1]: expected an integer, found the string 'two'",
                error("name: x\nstages: {a: {type: count}}\nsweep:\n  seeds: [1, two]\n"));
    }

    @Test
    void outOfRangeSaysTheAllowedRange() {
        assertEquals("exp.yaml:3:26: stages.a.rate: must be >= 0 and <= 1, found 1.5",
                error("name: x\nstages:\n  a: {type: count, rate: 1.5}\n"));
    }

    @Test
    void enumSpellingsAreListed() {
        assertEquals("exp.yaml:3:26: stages.a.mode: 'quick' is not one of fast, slow",
                error("name: x\nstages:\n  a: {type: count, mode: quick}\n"));
    }

    @Test
    void unknownStageTypeSuggests() {
        assertEquals("exp.yaml:3:13: stages.a.type: unknown stage type 'cont'; did you mean 'count'?",
                error("name: x\nstages:\n  a: {type: cont}\n"));
    }

    @Test
    void missingRequiredKeyIsNamed() {
        assertEquals("exp.yaml:1:1: (top level): missing required key 'name' (Name of the experiment: results go to "
                + "<results>/<name>/<sweep-id>/)", error("stages: {a: {type: count}}\n"));
    }

    @Test
    void missingDataFileIsNamed() {
        String msg = error("name: x\nstages:\n  a: {type: count, data: nowhere.jsonl}\n");
        assertEquals("exp.yaml:3:26: stages.a.data: no such file or directory: "
                + Path.of("").toAbsolutePath().resolve("nowhere.jsonl"), msg);
    }

    @Test
    void unsafeExperimentNameIsRefused() {
        assertEquals("exp.yaml:1:1: (top level): name '../x' must be letters, digits, '_', '-', '.' (it becomes a "
                + "directory name)", error("name: ../x\nstages: {a: {type: count}}\n"));
    }

    @Test
    void armsKeepTheirNodesForLaterOverrides() {
        ExperimentSpec e = bind("name: x\nstages: {a: {type: count}}\nsweep:\n  arms:\n    b: {stages.a.value: 3}\n");
        Node arm = e.sweep().arms().get("b");
        assertEquals(Map.of("stages.a.value", 3L), arm.toPlain());
        assertEquals(5, arm.source().line());
    }
}
