package org.charlab.stage;

/**
 * A stage kind described by its fixed facts; subclasses add only {@link #create()}, which stays
 * the one place that may load engine classes (a kind is loaded just to validate and plan).
 */
public abstract class AbstractStageKind<C extends Record> implements StageKind<C> {

    private final String type;
    private final String summary;
    private final Class<C> configType;
    private final int version;
    private final boolean resumable;

    protected AbstractStageKind(String type, String summary, Class<C> configType, int version, boolean resumable) {
        this.type = type;
        this.summary = summary;
        this.configType = configType;
        this.version = version;
        this.resumable = resumable;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final Class<C> configType() {
        return configType;
    }

    @Override
    public final int version() {
        return version;
    }

    @Override
    public final boolean resumable() {
        return resumable;
    }
}
