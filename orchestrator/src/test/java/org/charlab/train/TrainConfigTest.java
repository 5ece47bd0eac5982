package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.charlab.config.Binder;
import org.charlab.config.ConfigDocs;
import org.charlab.config.ConfigWriter;
import org.charlab.config.Names;
import org.charlab.config.Node;
import org.charlab.config.Setting;
import org.charlab.config.Source;
import org.charlab.config.YamlReader;
import org.charlab.stage.StageCatalog;
import org.charlab.stage.StageKind;
import org.charlab.testing.CliRun;
import org.charlab.train.stage.DpoConfig;
import org.charlab.train.stage.GrpoConfig;
import org.charlab.train.stage.OpdConfig;
import org.charlab.train.stage.PretrainConfig;
import org.charlab.train.stage.SftConfig;
import org.junit.jupiter.api.Test;

/** The training settings' defaults have one source, and the reference shows them once. */
class TrainConfigTest {

    static final Map<String, Double> STAGE_LR = Map.of("pretrain", PretrainConfig.DEFAULT_LR, "sft", SftConfig.DEFAULT_LR,
            "dpo", DpoConfig.DEFAULT_LR, "opd", OpdConfig.DEFAULT_LR, "grpo", GrpoConfig.DEFAULT_LR);

    @Test
    void defaultsAreTheSettingAnnotationDefaults() {
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) ConfigWriter.toPlain(TrainConfig.defaults());
        for (RecordComponent c : TrainConfig.class.getRecordComponents()) {
            String key = Names.snake(c.getName());
            Object declared = YamlReader.parseValue(c.getAnnotation(Setting.class).def(), Source.builtIn(key)).toPlain();
            Object actual = plain.get(key);
            if (declared instanceof Number d && actual instanceof Number a) {
                assertEquals(d.doubleValue(), a.doubleValue(), 0.0, key);
            } else {
                assertEquals(declared, actual, key);
            }
        }
        assertEquals(TrainConfig.class.getRecordComponents().length, plain.size());
    }

    @Test
    void everyTrainingStageBindsTheSameTrainingDefaults() {
        Binder binder = new Binder(t -> null);
        for (Class<? extends Record> stage : List.of(PretrainConfig.class, SftConfig.class, DpoConfig.class, OpdConfig.class)) {
            Record bound = binder.bind(stage, Node.MapNode.empty(Source.builtIn("test")), "stages.x");
            Object train = Arrays.stream(stage.getRecordComponents()).filter(c -> c.getType() == TrainConfig.class)
                    .map(c -> invoke(c, bound)).findFirst().orElseThrow();
            assertEquals(TrainConfig.defaults(), train, stage.getSimpleName());
        }
    }

    @Test
    void theReferenceShowsTheTrainingSettingsOnceWithEachStageTypesLearningRate() {
        List<ConfigDocs.StageType> types = new ArrayList<>();
        for (StageKind<?> k : StageCatalog.load().all()) {
            types.add(new ConfigDocs.StageType(k.type(), k.summary(), k.configType()));
        }
        List<String> md = new ConfigDocs(types).markdown().lines().toList();
        for (String key : Binder.keys(TrainConfig.class)) {
            List<String> headings = md.stream().filter(l -> l.startsWith("#"))
                    .filter(l -> l.matches(".*\\[type=[^]]*\\bsft\\b[^]]*]\\." + key + "`")).toList();
            assertEquals(1, headings.size(), key + ": " + headings);
            for (String type : STAGE_LR.keySet()) {
                assertTrue(headings.get(0).matches("#### `stages\\.<name>\\[type=[^]]*\\b" + type + "\\b[^]]*]\\." + key + "`"),
                        headings.get(0));
            }
        }
        int row = md.indexOf(md.stream().filter(l -> l.startsWith("| `learning_rate` |")).findFirst().orElseThrow());
        int header = row;
        while (!md.get(header).startsWith("| field |")) {
            header--;
        }
        List<String> columns = cells(md.get(header));
        List<String> values = cells(md.get(row));
        for (Map.Entry<String, Double> e : STAGE_LR.entrySet()) {
            assertEquals(e.getValue().doubleValue(), Double.parseDouble(values.get(columns.indexOf(e.getKey()))), 0.0, e.getKey());
        }
        assertTrue(PretrainConfig.DEFAULT_LR != SftConfig.DEFAULT_LR); // a from-scratch model trains at a higher rate

        CliRun sft = CliRun.of("explain", "stages.sft.learning_rate");
        assertEquals(0, sft.exitCode(), sft.err());
        assertTrue(sft.out().contains("stages.<name>[type=sft].learning_rate\n  type:    number\n  default: null (sft: 0.0001)\n"),
                sft.out());
        assertTrue(CliRun.of("explain", "pretrain.learning_rate").out().contains("default: null (pretrain: 0.003)\n"));
    }

    /** The backquoted cells of a Markdown table row after the first. */
    private static List<String> cells(String row) {
        List<String> out = new ArrayList<>();
        String[] parts = row.split("\\|");
        for (int i = 2; i < parts.length; i++) {
            out.add(parts[i].trim().replace("`", ""));
        }
        return out;
    }

    private static Object invoke(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
