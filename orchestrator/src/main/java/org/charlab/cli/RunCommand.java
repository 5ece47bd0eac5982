package org.charlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.config.ConfigLoader;
import org.charlab.config.ExecutorConfig;
import org.charlab.config.ExperimentSpec;
import org.charlab.config.SlurmConfig;
import org.charlab.exec.ChildJvmLauncher;
import org.charlab.exec.ConsoleProgress;
import org.charlab.exec.Executor;
import org.charlab.exec.IfExists;
import org.charlab.exec.InProcessLauncher;
import org.charlab.exec.LocalExecutor;
import org.charlab.exec.StageLauncher;
import org.charlab.exec.SweepJournal;
import org.charlab.exec.SweepSetup;
import org.charlab.exec.slurm.Preflight;
import org.charlab.exec.slurm.Slurm;
import org.charlab.plan.MemoryCheck;
import org.charlab.plan.Plan;
import org.charlab.plan.Planner;
import org.charlab.plan.RunPlan;
import org.charlab.report.SweepSummary;
import org.charlab.results.AtomicFiles;
import org.charlab.results.Provenance;
import org.charlab.results.RunStatus;
import org.charlab.results.SweepDir;
import org.charlab.results.SweepLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Plan and run a sweep. Running the same command again resumes it: finished "
        + "stages are never recomputed (unless named in --recompute), interrupted and failed ones run again.",
        footer = {"", "Exit codes: 0 all runs finished (or submitted, with --detach), 1 some runs failed (summary printed), "
                + "2 bad input, 130 interrupted.",
                "Config fields: `charlab explain` lists them all; `charlab explain KEY` documents one."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SweepArgs args;

    @Option(names = "--jobs", paramLabel = "N", description = "Stages run in parallel; each gets cores/N engine threads "
            + "unless runtime.threads is set (default: ${DEFAULT-VALUE}).")
    int jobs = 1;

    @Option(names = "--if-exists", paramLabel = "POLICY", defaultValue = "resume", description = "When the sweep "
            + "directory exists: resume (reuse finished stages), skip (do nothing), fail (exit 2), overwrite (start "
            + "the sweep's records again, forgetting its earlier --recompute; finished stages in the shared cache are "
            + "still reused, add --recompute to compute some again). Default: ${DEFAULT-VALUE}.")
    IfExists ifExists;

    @Option(names = "--recompute", paramLabel = "STAGE", split = ",", description = "Compute the experiment's stages "
            + "of these names (e.g. eval; repeat the option or separate with commas) again, and so the stages that "
            + "depend on them, for this sweep only: each gets a recompute nonce in its key (recorded in plan.json), so "
            + "the new outputs go to new cache entries and other sweeps keep theirs. Running the same command again "
            + "without it resumes with the recomputed stages.")
    List<String> recompute = new ArrayList<>();

    @Option(names = "--in-process", hidden = true, description = "Run stages on threads of this JVM (debugging).")
    boolean inProcess;

    @Option(names = "--executor", paramLabel = "TYPE", description = "Where stages run: local (this machine) or "
            + "slurm (job arrays on a Slurm cluster; the results root must be shared with the nodes). Default: the "
            + "file's executor.type, else local.")
    ExecutorConfig.Type executor;

    @Mixin
    SlurmOptions slurmOptions = new SlurmOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (jobs < 1) {
            throw new BadInput("--jobs must be >= 1, found " + jobs);
        }
        Planner planner = new Planner(Catalogs.stages());
        Plan plan = planner.plan(args.file, args.overrides, args.sweepId);
        checkStageNames(plan, recompute);
        SweepDir dir = SweepDir.of(args.results, plan.experiment(), plan.sweepId());
        MemoryCheck.check(plan, Devices.memory(), dir.cache()::isDone); // before anything is written
        // the sweep keeps what earlier --recompute gave it; this one's stages get a fresh nonce after admit
        Map<String, String> nonces = new TreeMap<>();
        if (ifExists != IfExists.OVERWRITE && Files.exists(dir.plan())) {
            nonces.putAll(Plan.read(dir.plan()).recompute());
        }
        if (!nonces.isEmpty()) {
            plan = planner.plan(args.file, args.overrides, plan.sweepId(), nonces);
        }
        ExecutorConfig fromFile = planner.binder().bind(ExperimentSpec.class, ConfigLoader.load(args.file, args.overrides), "")
                .executor();
        boolean slurm = (executor != null ? executor : fromFile.type()) == ExecutorConfig.Type.SLURM;
        SlurmConfig slurmConfig = slurm ? slurmOptions.apply(fromFile.slurm()) : null;
        Slurm slurmCli = slurm ? new Slurm(slurmOptions.bin) : null;
        if (!slurm && slurmOptions.detach) {
            throw new BadInput("--detach needs --executor slurm (a local sweep runs in this process)");
        }
        if (!SweepSetup.admit(plan, dir, ifExists)) {
            out.println("sweep exists, skipping (--if-exists skip): " + dir.dir());
            out.flush();
            return Main.EXIT_OK;
        }
        if (!recompute.isEmpty()) {
            String nonce = Instant.now() + "/" + UUID.randomUUID().toString().substring(0, 8);
            recompute.forEach(name -> nonces.put(name, nonce));
            plan = planner.plan(args.file, args.overrides, plan.sweepId(), nonces);
        }
        List<String> command = new ArrayList<>(List.of("charlab", "run", args.file.toString()));
        command.addAll(args.overrides);
        if (!recompute.isEmpty()) {
            command.add("--recompute=" + String.join(",", recompute));
        }
        int configured = plan.stages().values().stream()
                .mapToInt(s -> ((Number) s.runtime().getOrDefault("threads", 0)).intValue()).max().orElse(0);
        int threads = slurm ? slurmConfig.cpusPerTask() : LocalExecutor.threadsPerStage(configured, jobs);
        if (slurm) {
            Preflight.check(slurmCli, slurmConfig, dir.root());
            command.add("--executor=slurm");
        }
        try (SweepLock lock = SweepLock.acquire(dir.lock(), String.join(" ", command))) {
            SweepSetup.write(plan, dir, ifExists);
            Map<String, Object> prov = Provenance.collect(command, slurm ? slurmConfig.maxParallel() : jobs, threads);
            AtomicFiles.write(dir.provenance(), Plan.JSON.writeValueAsBytes(prov));
            SweepJournal journal = new SweepJournal(plan, dir);
            journal.writeAll();
            journal.log("run " + String.join(" ", command));
            if (slurm) {
                return new SlurmRun(out, plan, dir, journal, prov, slurmCli, slurmConfig, slurmOptions.detach).call();
            }
            StageLauncher launcher = inProcess ? new InProcessLauncher(Catalogs.stages()) : new ChildJvmLauncher();
            // free cores go to the lanes of stages that start alone, unless the thread count was set by
            // hand or the stages share this JVM (lane threads are per process)
            int lend = configured == 0 && !inProcess ? Runtime.getRuntime().availableProcessors() : 0;
            Executor executor = new LocalExecutor(launcher, jobs, threads, lend);
            ConsoleProgress console = new ConsoleProgress(out, System.console() != null, plan.stages().size());
            console.line("sweep " + dir.dir());
            Thread onCtrlC = new Thread(() -> {
                executor.interrupt();
                journal.log("interrupted");
                writeEnd(dir, prov, "interrupted");
                out.println();
                out.println(recompute.isEmpty() ? "interrupted: run the same command again to resume"
                        : "interrupted: run the same command again without --recompute to resume");
                out.flush();
            });
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            Map<String, RunStatus> finalStates = executor.execute(plan, dir, journal, console);
            Runtime.getRuntime().removeShutdownHook(onCtrlC);
            long failed = finalStates.values().stream().filter(r -> r.state() != RunStatus.State.DONE).count();
            writeEnd(dir, prov, failed == 0 ? "finished" : "finished with failures");
            journal.log("end: " + (finalStates.size() - failed) + " runs done, " + failed + " not");
            StatusCommand.printRuns(out, finalStates.values());
            out.println((finalStates.size() - failed) + "/" + finalStates.size() + " runs finished; results in " + dir.dir());
            out.flush();
            SweepSummary.print(dir, out);
            return failed == 0 ? Main.EXIT_OK : Main.EXIT_RUNS_FAILED;
        }
    }

    /** Refuses a --recompute name that is no stage of the experiment, listing the names there are. */
    static void checkStageNames(Plan plan, List<String> names) {
        Set<String> known = new LinkedHashSet<>();
        for (RunPlan r : plan.runs()) {
            r.stages().forEach(s -> known.add(s.name()));
        }
        for (String name : names) {
            if (!known.contains(name)) {
                throw new BadInput("--recompute: no stage named '" + name + "' in " + plan.source()
                        + "; its stages are: " + String.join(", ", known));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void writeEnd(SweepDir dir, Map<String, Object> prov, String outcome) {
        try {
            Map<String, Object> exec = (Map<String, Object>) prov.get("execution");
            exec.put("ended", Instant.now().toString());
            exec.put("outcome", outcome);
            AtomicFiles.write(dir.provenance(), Plan.JSON.writeValueAsBytes(prov));
        } catch (Exception e) {
            // provenance end time is best effort on the way out
        }
    }
}
