package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class IntervalPlotTest {

    @Test
    void rendersAPngOfTheRequestedSizeWithInk() throws Exception {
        byte[] png = IntervalPlot.png("caps output rate", "rate", List.of(
                new IntervalPlot.Point("none", "plain", 0.9, 0.8, 0.95),
                new IntervalPlot.Point("caps-inoculated", "plain", 0.1, 0.02, 0.3),
                new IntervalPlot.Point("none", "with prompt", 0.95, 0.9, 0.99)), 640, 360);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(640, img.getWidth());
        assertEquals(360, img.getHeight());
        int coloured = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int b = rgb & 0xff;
                if (b > 150 && r < 80) {
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 30, "the first series' blue markers and whiskers are drawn: " + coloured);
    }

    @Test
    void longCategoryNamesTurnVerticalInsteadOfDisappearing() throws Exception {
        java.util.List<IntervalPlot.Point> pts = new java.util.ArrayList<>();
        for (String arm : List.of("sft", "dpo-oct", "opd")) {
            for (String style : List.of("planner", "in_character")) {
                pts.add(new IntervalPlot.Point(arm + " cot_style=" + style, "plain", 0.5, 0.4, 0.6));
            }
        }
        BufferedImage wide = ImageIO.read(new ByteArrayInputStream(IntervalPlot.png("t", "rate", pts, 760, 340)));
        assertTrue(wide.getHeight() > 340, "6 labels of ~25 characters do not fit 760 px side by side: "
                + "drawn vertically on a taller chart");
        BufferedImage shortNames = ImageIO.read(new ByteArrayInputStream(IntervalPlot.png("t", "rate",
                List.of(new IntervalPlot.Point("a", "plain", 0.5, 0.4, 0.6)), 760, 340)));
        assertEquals(340, shortNames.getHeight());
    }

    @Test
    void verdictsComeFromTheIntervalOnly() {
        var atLeast = org.charlab.config.Expectation.Relation.AT_LEAST;
        assertEquals(Verdict.REPRODUCED, Verdict.judge(0.31, 0.6, atLeast, 0.3));
        assertEquals(Verdict.NOT_REPRODUCED, Verdict.judge(-0.1, 0.29, atLeast, 0.3));
        assertEquals(Verdict.INCONCLUSIVE, Verdict.judge(0.2, 0.4, atLeast, 0.3));
        var atMost = org.charlab.config.Expectation.Relation.AT_MOST;
        assertEquals(Verdict.REPRODUCED, Verdict.judge(0.0, 0.05, atMost, 0.05));
        assertEquals(Verdict.NOT_REPRODUCED, Verdict.judge(0.06, 0.2, atMost, 0.05));
        assertEquals(Verdict.NOT_MEASURED, Verdict.judge(Double.NaN, Double.NaN, atMost, 0.05));
    }

    @Test
    void tablesRenderInEveryFormat() {
        Table t = new Table(List.of("arm", "estimate")).add(List.of("a|b", "0.5")).add(List.of("c,d", "-0.25"));
        assertEquals("arm  estimate\n---  --------\na|b       0.5\nc,d     -0.25\n", t.render(Table.Format.TEXT));
        assertEquals("| arm | estimate |\n|---|---|\n| a\\|b | 0.5 |\n| c,d | -0.25 |\n", t.render(Table.Format.MARKDOWN));
        assertEquals("arm,estimate\na|b,0.5\n\"c,d\",-0.25\n", t.render(Table.Format.CSV));
        assertTrue(t.render(Table.Format.JSON).contains("\"arm\" : \"c,d\""));
    }
}
