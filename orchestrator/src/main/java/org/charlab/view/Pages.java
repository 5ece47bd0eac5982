package org.charlab.view;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.charlab.plan.RunPlan;
import org.charlab.results.RunStatus.StageStatus;
import org.charlab.results.RunStatus.State;

/** The index (experiments and their sweeps), a sweep's live page and a run's config and provenance. */
final class Pages {

    /** Files of a run and a sweep shown inline, at most this many characters each. */
    static final int SHOWN_CHARS = 200_000;

    private Pages() {
    }

    static String index(ResultsIndex index) {
        List<ResultsIndex.Sweep> sweeps = index.sweeps();
        StringBuilder b = new StringBuilder();
        if (sweeps.isEmpty()) {
            b.append("<p>No sweep here yet (a sweep is a directory &lt;experiment&gt;/&lt;sweep-id&gt; with plan.json).</p>");
            return Html.page("Results", b.toString());
        }
        b.append("<form action=\"/compare\" method=\"get\"><p>Tick sweeps and compare them with the estimator of "
                + "<code>charlab compare</code>.</p>\n<table><thead><tr><th>compare</th><th>experiment</th><th>sweep</th>"
                + "<th>runs</th><th>done</th><th>running</th><th>failed</th><th>other</th><th>planned</th></tr></thead><tbody>\n");
        for (ResultsIndex.Sweep s : sweeps) {
            SweepState st = SweepState.read(s.dir(), s.plan());
            long done = st.count(State.DONE);
            long running = st.count(State.RUNNING);
            long failed = st.count(State.FAILED);
            b.append("<tr><td><input type=\"checkbox\" name=\"path\" value=\"").append(Html.esc(s.rel()))
                    .append("\" aria-label=\"compare ").append(Html.esc(s.rel())).append("\"></td><td>")
                    .append(Html.esc(s.experiment())).append("</td><td>")
                    .append(Html.link(Html.path("sweep", s.rel()), s.sweepId())).append("</td><td>")
                    .append(st.runs().size()).append("</td><td class=\"done\">").append(done)
                    .append("</td><td class=\"running\">").append(running).append("</td><td class=\"failed\">")
                    .append(failed).append("</td><td>").append(st.runs().size() - done - running - failed)
                    .append("</td><td>").append(Html.esc(s.modified().toString().replaceFirst("\\.\\d+Z$", "Z")))
                    .append("</td></tr>\n");
        }
        b.append("</tbody></table>\n<p><label>Baseline arm <input name=\"baseline\" size=\"12\"></label> "
                + "<label><input type=\"checkbox\" name=\"pool\" value=\"1\"> pool experiments</label> "
                + "<button type=\"submit\">Compare</button></p></form>\n");
        return Html.page("Results", b.toString());
    }

    static String sweep(ResultsIndex.Sweep s) {
        SweepState st = SweepState.read(s.dir(), s.plan());
        StringBuilder b = new StringBuilder();
        b.append("<p>Experiment ").append(Html.esc(s.experiment())).append(", sweep ").append(Html.esc(s.sweepId()))
                .append(". <span id=\"counts\">").append(Html.esc(counts(st))).append("</span> <span id=\"updated\">"
                + "</span></p>\n<p>").append(Html.link(Html.path("transcripts", s.rel()), "transcripts"))
                .append(" &middot; ").append(Html.link("/compare?path=" + Html.url(s.rel()), "compare every arm"))
                .append(" &middot; ").append(Html.link(Html.path("file", s.rel(), "provenance.json"), "provenance.json"))
                .append(" &middot; ").append(Html.link(Html.path("file", s.rel(), "plan.json"), "plan.json"))
                .append(" &middot; ").append(Html.link(Html.path("file", s.rel(), "sweep.log"), "sweep.log"))
                .append("</p>\n<form action=\"/compare\" method=\"get\">\n<table><thead><tr><th>compare</th><th>run</th>"
                + "<th>arm</th><th>seed</th><th>state</th><th>stages</th></tr></thead><tbody id=\"runs-body\">\n");
        for (SweepState.Run r : st.runs()) {
            b.append("<tr><td><input type=\"checkbox\" name=\"path\" value=\"")
                    .append(Html.esc(s.rel() + "/runs/" + r.run())).append("\" aria-label=\"compare ")
                    .append(Html.esc(r.run())).append("\"></td><td>")
                    .append(Html.link(Html.path("run", s.rel(), r.run()), r.run())).append("</td><td>")
                    .append(Html.esc(r.arm())).append("</td><td>").append(r.seed()).append("</td>")
                    .append(stateCell(r.state())).append("<td>");
            for (StageStatus x : r.stages()) {
                b.append("<span class=\"").append(lower(x.state())).append("\">").append(Html.esc(x.name())).append(':')
                        .append(lower(x.state())).append("</span>");
                if (x.reason() != null && x.state() != State.DONE) {
                    b.append(" (").append(Html.esc(x.reason())).append(')');
                }
                b.append(' ');
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody></table>\n<p><label>Baseline arm <input name=\"baseline\" size=\"12\"></label> "
                + "<button type=\"submit\">Compare ticked runs</button></p></form>\n<h2>Training curves</h2>\n"
                + "<p>Loss per logged step, read from each stage's metrics.jsonl (refreshed every 2 s): "
                + "<span id=\"curve-points\">0</span> points.</p>\n<div id=\"curves\"></div>\n<script>\nconst API = ")
                .append(jsString(Html.path("api", "status", s.rel()))).append(";\nconst REL = ").append(jsString(s.rel())).append(";\nconst RUN = ")
                .append(jsString(Html.path("run", s.rel()))).append(";\n").append(SCRIPT).append("</script>\n");
        return Html.page("Sweep " + s.experiment() + "/" + s.sweepId(), b.toString());
    }

    /** The JSON the sweep page polls: runs with their stages' states and the curves so far. */
    static Map<String, Object> statusJson(ResultsIndex.Sweep s) {
        SweepState st = SweepState.read(s.dir(), s.plan());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", st.experiment());
        out.put("sweep", st.sweepId());
        out.put("counts", counts(st));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (SweepState.Run r : st.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.run());
            m.put("arm", r.arm());
            m.put("seed", r.seed());
            m.put("state", lower(r.state()));
            List<Map<String, Object>> stages = new ArrayList<>();
            for (StageStatus x : r.stages()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("name", x.name());
                sm.put("state", lower(x.state()));
                sm.put("reason", x.state() == State.DONE ? null : x.reason());
                stages.add(sm);
            }
            m.put("stages", stages);
            runs.add(m);
        }
        out.put("runs", runs);
        List<Map<String, Object>> curves = new ArrayList<>();
        for (SweepState.Curve c : st.curves()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", c.run());
            m.put("stage", c.stage());
            m.put("state", lower(c.state()));
            m.put("points", c.points());
            curves.add(m);
        }
        out.put("curves", curves);
        return out;
    }

    static String run(ResultsIndex.Sweep s, String runId) {
        RunPlan plan = s.plan().runs().stream().filter(r -> r.id().equals(runId)).findFirst()
                .orElseThrow(() -> new SafePaths.Refused(404, "no run " + runId));
        SweepState st = SweepState.read(s.dir(), s.plan());
        SweepState.Run r = st.runs().stream().filter(x -> x.run().equals(runId)).findFirst().orElseThrow();
        Path dir = s.dir().run(runId);
        StringBuilder b = new StringBuilder();
        b.append("<p>").append(Html.link(Html.path("sweep", s.rel()), "sweep " + s.sweepId())).append(" &middot; ")
                .append(Html.link("/transcripts/" + Html.path(s.rel()).substring(1) + "?run=" + Html.url(runId),
                        "transcripts of this run"))
                .append(" &middot; ").append(Html.link("/compare?path=" + Html.url(s.rel() + "/runs/" + runId),
                        "metrics with intervals")).append("</p>\n<p>Arm ").append(Html.esc(plan.arm())).append(", seed ")
                .append(plan.seed()).append(", state <span class=\"").append(lower(r.state())).append("\">")
                .append(lower(r.state())).append("</span>.</p>\n");
        List<List<String>> rows = new ArrayList<>();
        for (StageStatus x : r.stages()) {
            rows.add(List.of(x.name(), x.key(), lower(x.state()), x.seconds() == null ? "" : String.valueOf(x.seconds()),
                    x.reason() == null ? "" : x.reason()));
        }
        b.append("<h2>Stages</h2>\n").append(Html.table(List.of("stage", "key", "state", "seconds", "reason"), rows));
        b.append(fileSection("Resolved config", dir.resolve("config.resolved.yaml")));
        b.append(fileSection("Overrides", dir.resolve("overrides.yaml")));
        b.append(fileSection("Provenance (of the sweep)", s.dir().provenance()));
        return Html.page("Run " + runId, b.toString());
    }

    private static String fileSection(String title, Path f) {
        StringBuilder b = new StringBuilder("<h2>").append(Html.esc(title)).append("</h2>\n");
        if (!Files.isRegularFile(f)) {
            return b.append("<p>(no ").append(Html.esc(f.getFileName())).append(")</p>\n").toString();
        }
        try {
            String text = Files.readString(f);
            boolean cut = text.length() > SHOWN_CHARS;
            b.append("<pre>").append(Html.esc(cut ? text.substring(0, SHOWN_CHARS) : text)).append("</pre>\n");
            if (cut) {
                b.append("<p>(first ").append(SHOWN_CHARS).append(" characters)</p>\n");
            }
        } catch (IOException e) {
            b.append("<p>(cannot read ").append(Html.esc(f.getFileName())).append(")</p>\n");
        }
        return b.toString();
    }

    static String counts(SweepState st) {
        List<String> parts = new ArrayList<>();
        for (State s : State.values()) {
            long n = st.count(s);
            if (n > 0) {
                parts.add(n + " " + lower(s));
            }
        }
        return st.runs().size() + " runs: " + String.join(", ", parts);
    }

    static String lower(State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static String stateCell(State s) {
        return "<td class=\"" + lower(s) + "\">" + lower(s) + "</td>";
    }

    /** A JS string literal safe inside a script element. */
    static String jsString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Polls the status JSON every 2 s and redraws the runs table and the curves; text only via textContent. */
    private static final String SCRIPT = """
            function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls;
              if (text !== undefined) e.textContent = text; return e; }
            function render(d) {
              document.getElementById('counts').textContent = d.counts;
              document.getElementById('updated').textContent = '(updated ' + new Date().toLocaleTimeString() + ')';
              const body = document.getElementById('runs-body');
              const ticked = new Set([...body.querySelectorAll('input:checked')].map(i => i.value));
              body.replaceChildren();
              for (const r of d.runs) {
                const tr = el('tr');
                const cb = el('td'); const i = el('input'); i.type = 'checkbox'; i.name = 'path';
                i.value = REL + '/runs/' + r.run;
                i.checked = ticked.has(i.value); i.setAttribute('aria-label', 'compare ' + r.run); cb.append(i); tr.append(cb);
                const rt = el('td'); const a = el('a', null, r.run); a.href = RUN + '/' + encodeURIComponent(r.run);
                rt.append(a); tr.append(rt);
                tr.append(el('td', null, r.arm), el('td', null, String(r.seed)), el('td', r.state, r.state));
                const st = el('td');
                for (const s of r.stages) {
                  st.append(el('span', s.state, s.name + ':' + s.state));
                  if (s.reason) st.append(document.createTextNode(' (' + s.reason + ')'));
                  st.append(document.createTextNode(' '));
                }
                tr.append(st); body.append(tr);
              }
              const box = document.getElementById('curves'); box.replaceChildren();
              let total = 0;
              for (const c of d.curves) {
                total += c.points.length;
                const f = el('figure'); f.dataset.points = c.points.length;
                const W = 360, H = 160, P = 8;
                const svgNs = 'http://www.w3.org/2000/svg';
                const svg = document.createElementNS(svgNs, 'svg');
                svg.setAttribute('width', W); svg.setAttribute('height', H); svg.setAttribute('role', 'img');
                const xs = c.points.map(p => p[0]), ys = c.points.map(p => p[1]);
                const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
                const sx = v => P + (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5) * (W - 2 * P);
                const sy = v => H - P - (y1 > y0 ? (v - y0) / (y1 - y0) : 0.5) * (H - 2 * P);
                const line = document.createElementNS(svgNs, 'polyline');
                line.setAttribute('points', c.points.map(p => sx(p[0]) + ',' + sy(p[1])).join(' '));
                line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#1f77b4'); line.setAttribute('stroke-width', '2');
                svg.append(line);
                const last = c.points[c.points.length - 1];
                const cap = 'stage ' + c.stage + ' of ' + c.run + ' (' + c.state + '): ' + c.points.length
                    + ' points, last step ' + last[0] + ' loss ' + last[1].toPrecision(4)
                    + ', range ' + y0.toPrecision(4) + ' to ' + y1.toPrecision(4);
                svg.setAttribute('aria-label', cap);
                f.append(svg, el('figcaption', null, cap)); box.append(f);
              }
              document.getElementById('curve-points').textContent = String(total);
            }
            async function poll() {
              try { const r = await fetch(API, {cache: 'no-store'}); if (r.ok) render(await r.json()); } catch (e) { }
            }
            poll();
            setInterval(poll, 2000);
            """;
}
