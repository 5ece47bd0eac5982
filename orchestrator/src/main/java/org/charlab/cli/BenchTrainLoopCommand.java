package org.charlab.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.charlab.config.RuntimeConfig;
import org.charlab.exec.ContentionBench;
import org.charlab.model.Engines;
import org.charlab.model.ModelConfig;
import org.charlab.train.ModelBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Hidden worker of {@code bench contention}: one short tiny-model training loop; prints {@code @result STEPS_PER_S}. */
@Command(name = "train-loop", hidden = true, description = "Worker of bench contention: times a tiny training loop.")
public final class BenchTrainLoopCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "20")
    int steps;

    @Option(names = "--batch", defaultValue = "8")
    int batch;

    @Option(names = "--seq", defaultValue = "128")
    int seq;

    @Option(names = "--threads", defaultValue = "0")
    int threads;

    @Override
    public Integer call() {
        Engines.configure(new RuntimeConfig("cpu", threads, 1), 1, 1);
        Map<String, Object> r = ModelBench.train(ModelConfig.tiny().withVocabSize(1024), batch, seq, steps, 1, true);
        spec.commandLine().getOut().println(ContentionBench.RESULT + 1000.0 / (double) r.get("ms_per_step"));
        spec.commandLine().getOut().flush();
        return Main.EXIT_OK;
    }
}
