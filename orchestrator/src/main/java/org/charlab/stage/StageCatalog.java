package org.charlab.stage;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The stage kinds on the classpath, found with {@link ServiceLoader}, by their {@code type:} name. */
public final class StageCatalog {

    private final Map<String, StageKind<?>> kinds;

    private StageCatalog(Map<String, StageKind<?>> kinds) {
        this.kinds = Collections.unmodifiableMap(kinds);
    }

    public static StageCatalog load() {
        Map<String, StageKind<?>> kinds = new TreeMap<>();
        for (StageKind<?> k : ServiceLoader.load(StageKind.class)) {
            StageKind<?> old = kinds.put(k.type(), k);
            if (old != null) {
                throw new IllegalStateException("two stage kinds named '" + k.type() + "': " + old.getClass().getName()
                        + " and " + k.getClass().getName());
            }
        }
        return new StageCatalog(new LinkedHashMap<>(kinds));
    }

    /** A catalog of exactly these kinds (tests plan with kinds of their own). */
    public static StageCatalog of(StageKind<?>... list) {
        Map<String, StageKind<?>> kinds = new LinkedHashMap<>();
        for (StageKind<?> k : list) {
            kinds.put(k.type(), k);
        }
        return new StageCatalog(kinds);
    }

    public StageKind<?> get(String type) {
        return kinds.get(type);
    }

    /** The config record of {@code type}, or null if no such kind exists. */
    public Class<? extends Record> configType(String type) {
        StageKind<?> k = kinds.get(type);
        return k == null ? null : k.configType();
    }

    public Collection<StageKind<?>> all() {
        return kinds.values();
    }
}
