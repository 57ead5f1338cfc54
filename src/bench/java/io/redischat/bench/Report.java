package io.redischat.bench;

import java.awt.Color;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/** Writes a run's results: {@code results.json}, {@code results.md} and a PNG chart or two per scenario. */
final class Report {

    private final Path directory;
    private final Map<String, Object> run;

    Report(Path directory, Map<String, Object> run) {
        this.directory = directory;
        this.run = run;
    }

    List<Path> write(List<RunResult> results) throws IOException {
        Files.createDirectories(directory);
        var written = new ArrayList<Path>();
        written.add(Files.writeString(directory.resolve("results.json"), json(results)));
        written.add(Files.writeString(directory.resolve("results.md"), markdown(results)));
        for (var scenario : byScenario(results).entrySet()) {
            written.addAll(charts(scenario.getKey(), scenario.getValue()));
        }
        return written;
    }

    String json(List<RunResult> results) {
        var text = new StringWriter();
        try (JsonGenerator json = Json.createGeneratorFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
                .createGenerator(text)) {
            json.writeStartObject();
            json.writeStartObject("run");
            run.forEach((name, value) -> write(json, name, value));
            json.writeEnd();
            json.writeStartArray("results");
            for (RunResult result : results) {
                json.writeStartObject();
                json.write("scenario", result.scenario());
                json.write("label", result.label());
                json.writeStartObject("params");
                result.params().forEach((name, value) -> write(json, name, value));
                json.writeEnd();
                json.writeStartObject("metrics");
                result.metrics().forEach((name, value) -> write(json, name, value));
                json.writeEnd();
                if (result.latency() != null) {
                    RunResult.Latency l = result.latency();
                    json.writeStartObject("latency_ms").write("count", l.count()).write("p50", l.p50())
                            .write("p90", l.p90()).write("p99", l.p99()).write("p99.9", l.p999()).write("max", l.max())
                            .write("mean", l.mean()).writeEnd();
                }
                json.writeEnd();
            }
            json.writeEnd();
            json.writeEnd();
        }
        return text.toString();
    }

    private static void write(JsonGenerator json, String name, Object value) {
        if (value instanceof Integer || value instanceof Long) {
            json.write(name, ((Number) value).longValue());
        } else if (value instanceof Number number) {
            json.write(name, number.doubleValue());
        } else if (value instanceof Boolean bool) {
            json.write(name, bool);
        } else {
            json.write(name, String.valueOf(value));
        }
    }

    String markdown(List<RunResult> results) {
        var md = new StringBuilder("# redis-chat benchmark\n\n");
        run.forEach((name, value) -> md.append("- ").append(name).append(": ").append(value).append('\n'));
        for (var scenario : byScenario(results).entrySet()) {
            md.append("\n## ").append(scenario.getKey()).append("\n\n");
            List<RunResult> runs = scenario.getValue();
            Set<String> metrics = new LinkedHashSet<>();
            runs.forEach(r -> metrics.addAll(r.metrics().keySet()));
            boolean latency = runs.stream().anyMatch(r -> r.latency() != null);
            var header = new ArrayList<>(List.of("run"));
            header.addAll(metrics);
            if (latency) {
                header.addAll(List.of("p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"));
            }
            md.append("| ").append(String.join(" | ", header)).append(" |\n");
            md.append("|").append(" --- |".repeat(header.size())).append('\n');
            for (RunResult r : runs) {
                var row = new ArrayList<String>();
                row.add(r.label());
                metrics.forEach(m -> row.add(String.valueOf(r.metrics().getOrDefault(m, ""))));
                if (latency) {
                    RunResult.Latency l = r.latency();
                    if (l == null) {
                        row.addAll(List.of("", "", "", "", ""));
                    } else {
                        row.addAll(List.of(fmt(l.p50()), fmt(l.p90()), fmt(l.p99()), fmt(l.p999()), fmt(l.max())));
                    }
                }
                md.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            for (String chart : chartNames(scenario.getKey(), runs)) {
                md.append("\n![").append(chart).append("](").append(chart).append(")\n");
            }
        }
        return md.toString();
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static Map<String, List<RunResult>> byScenario(List<RunResult> results) {
        var map = new LinkedHashMap<String, List<RunResult>>();
        results.forEach(r -> map.computeIfAbsent(r.scenario(), s -> new ArrayList<>()).add(r));
        return map;
    }

    /** The metric that says how much a run did: the first metric whose name ends in {@code _per_s}. */
    static String rateMetric(List<RunResult> runs) {
        return runs.get(0).metrics().keySet().stream().filter(name -> name.endsWith("_per_s")).findFirst().orElse(null);
    }

    private static List<String> chartNames(String scenario, List<RunResult> runs) {
        var names = new ArrayList<String>();
        if (rateMetric(runs) != null) {
            names.add(scenario + "-throughput.png");
        }
        if (runs.stream().anyMatch(r -> r.latency() != null && r.latency().count() > 0)) {
            names.add(scenario + "-latency.png");
        }
        return names;
    }

    private List<Path> charts(String scenario, List<RunResult> runs) throws IOException {
        var files = new ArrayList<Path>();
        int width = Math.max(900, 140 * runs.size());
        String rate = rateMetric(runs);
        if (rate != null) {
            var data = new DefaultCategoryDataset();
            runs.forEach(r -> data.addValue(r.number(rate), rate, r.label()));
            JFreeChart chart = ChartFactory.createBarChart(scenario + ": " + rate.replace('_', ' '), null, rate, data,
                    PlotOrientation.VERTICAL, false, false, false);
            style(chart);
            files.add(save(chart, scenario + "-throughput.png", width));
        }
        if (chartNames(scenario, runs).contains(scenario + "-latency.png")) {
            var data = new DefaultCategoryDataset();
            for (RunResult r : runs) {
                RunResult.Latency l = r.latency();
                if (l != null && l.count() > 0) {
                    data.addValue(floor(l.p50()), "p50", r.label());
                    data.addValue(floor(l.p90()), "p90", r.label());
                    data.addValue(floor(l.p99()), "p99", r.label());
                    data.addValue(floor(l.p999()), "p99.9", r.label());
                    data.addValue(floor(l.max()), "max", r.label());
                }
            }
            JFreeChart chart = ChartFactory.createBarChart(scenario + ": latency percentiles (ms, log scale)", null,
                    "ms", data, PlotOrientation.VERTICAL, true, false, false);
            var axis = new LogarithmicAxis("ms");
            axis.setAllowNegativesFlag(false);
            axis.setStrictValuesFlag(false);
            ((CategoryPlot) chart.getPlot()).setRangeAxis(axis);
            style(chart);
            files.add(save(chart, scenario + "-latency.png", width));
        }
        return files;
    }

    /** A log axis cannot show 0: latencies below 1 µs are drawn at 1 µs. */
    private static double floor(double ms) {
        return Math.max(ms, 0.001);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = (CategoryPlot) chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }

    private Path save(JFreeChart chart, String name, int width) throws IOException {
        Path file = directory.resolve(name);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, 600);
        return file;
    }
}
