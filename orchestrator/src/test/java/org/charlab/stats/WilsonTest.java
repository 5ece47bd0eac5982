package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class WilsonTest {

    @Test
    void matchesFormulaComputedInPython() throws Exception {
        BootstrapReferenceTest.load();
        for (JsonNode w : BootstrapReferenceTest.ref.get("wilson_formula")) {
            Interval iv = Wilson.interval(w.get("k").asLong(), w.get("n").asLong(), w.get("level").asDouble());
            assertEquals(w.get("low").asDouble(), iv.low(), 1e-12, w.toString());
            assertEquals(w.get("high").asDouble(), iv.high(), 1e-12, w.toString());
        }
    }

    @Test
    void matchesNewcombe1998WorkedExamples() throws Exception {
        BootstrapReferenceTest.load();
        for (JsonNode w : BootstrapReferenceTest.ref.get("wilson_newcombe1998")) {
            Interval iv = Wilson.interval(w.get("k").asLong(), w.get("n").asLong(), 0.95);
            // The paper prints 4 decimals: agree to half a unit in the last place.
            assertEquals(w.get("low").asDouble(), iv.low(), 5e-5, w.toString());
            assertEquals(w.get("high").asDouble(), iv.high(), 5e-5, w.toString());
        }
    }

    @Test
    void staysInsideUnitIntervalAtZeroAndAllSuccesses() {
        for (int n : new int[] {1, 2, 5, 17, 100, 10_000}) {
            for (double level : new double[] {0.5, 0.9, 0.95, 0.999}) {
                Interval none = Wilson.interval(0, n, level);
                Interval all = Wilson.interval(n, n, level);
                assertEquals(0.0, none.low());
                assertTrue(none.high() > 0 && none.high() < 1, none.toString());
                assertEquals(1.0, all.high());
                assertTrue(all.low() > 0 && all.low() < 1, all.toString());
                for (int k = 0; k <= Math.min(n, 20); k++) {
                    Interval iv = Wilson.interval(k, n, level);
                    assertTrue(0 <= iv.low() && iv.low() <= iv.estimate() && iv.estimate() <= iv.high() && iv.high() <= 1,
                            iv.toString());
                }
            }
        }
    }

    @Test
    void widerLevelWidensAndRecordsNoResampling() {
        Interval i90 = Wilson.interval(30, 100, 0.90);
        Interval i99 = Wilson.interval(30, 100, 0.99);
        assertTrue(i99.low() < i90.low() && i99.high() > i90.high());
        assertEquals(Method.WILSON, i90.method());
        assertEquals(0, i90.resamples());
        assertEquals(null, i90.toMap().get("seed"));
        assertEquals(0.3, i90.estimate());
    }

    @Test
    void zeroTrialsIsUndefinedAndNonBinaryDataIsRejected() {
        Interval none = Wilson.interval(0, 0, 0.95);
        assertFalse(none.isDefined());
        assertEquals("undefined (no observations)", none.toString());
        assertThrows(IllegalArgumentException.class, () -> Wilson.interval(new double[] {0, 1, 0.5}, 0.95));
        assertEquals(Wilson.interval(2, 3, 0.95), Wilson.interval(new double[] {1, 0, 1}, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Wilson.interval(1, 2, 1.0));
    }
}
