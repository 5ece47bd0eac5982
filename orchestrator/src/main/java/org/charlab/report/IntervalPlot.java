package org.charlab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * An error-bar plot rendered to PNG headless: categories (arms) along x, one marker per series
 * (condition) with its interval as a whisker. Bootstrap intervals are asymmetric, so whiskers go
 * from low to high exactly, not estimate +- a standard deviation.
 */
public final class IntervalPlot {

    /** One point: category on the x axis (an arm), series (a condition), estimate and interval. */
    public record Point(String category, String series, double estimate, double low, double high) {
    }

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};

    private IntervalPlot() {
    }

    public static byte[] png(String title, String yLabel, List<Point> points, int width, int height) {
        Map<String, Integer> categories = new LinkedHashMap<>();
        Map<String, YIntervalSeries> series = new LinkedHashMap<>();
        for (Point p : points) {
            categories.putIfAbsent(p.category(), categories.size());
            series.computeIfAbsent(p.series(), YIntervalSeries::new);
        }
        int s = 0;
        int n = series.size();
        for (Map.Entry<String, YIntervalSeries> e : series.entrySet()) {
            double offset = n == 1 ? 0 : (s - (n - 1) / 2.0) * (0.5 / n);
            for (Point p : points) {
                if (p.series().equals(e.getKey()) && Double.isFinite(p.estimate())) {
                    e.getValue().add(categories.get(p.category()) + offset, p.estimate(),
                            Double.isFinite(p.low()) ? p.low() : p.estimate(),
                            Double.isFinite(p.high()) ? p.high() : p.estimate());
                }
            }
            s++;
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        series.values().forEach(data::addSeries);
        SymbolAxis x = new SymbolAxis(null, new ArrayList<>(categories.keySet()).toArray(String[]::new));
        x.setRange(-0.6, categories.size() - 0.4);
        x.setGridBandsVisible(false);
        // JFreeChart hides tick labels that overlap, which would leave categories unnamed: labels too
        // long for their slot (~7 px per character) are drawn vertically, and the chart grows to fit them
        int longest = categories.keySet().stream().mapToInt(String::length).max().orElse(0);
        if (longest * 7 > (width - 80) / Math.max(1, categories.size())) {
            x.setVerticalTickLabels(true);
            height += longest * 7;
        }
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(true);
        boolean unit = !points.isEmpty() && points.stream().allMatch(p -> p.low() >= 0 && p.high() <= 1);
        if (unit) {
            y.setRange(0, 1.02);
        }
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setErrorStroke(new BasicStroke(1.6f));
        renderer.setCapLength(6);
        for (int i = 0; i < n; i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesLinesVisible(i, false);
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(225, 225, 225));
        plot.setDomainGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(null, new Font("SansSerif", Font.PLAIN, 12), plot, true);
        chart.setTitle(new TextTitle(title, new Font("SansSerif", Font.BOLD, 13)));
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, width, height);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
