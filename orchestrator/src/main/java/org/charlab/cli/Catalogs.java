package org.charlab.cli;

import java.util.ArrayList;
import java.util.List;
import org.charlab.config.ConfigDocs;
import org.charlab.stage.StageCatalog;
import org.charlab.stage.StageKind;

/** The stage kinds on the classpath and the config reference built from them, loaded once. */
final class Catalogs {

    private static StageCatalog stages;

    private Catalogs() {
    }

    static synchronized StageCatalog stages() {
        if (stages == null) {
            stages = StageCatalog.load();
        }
        return stages;
    }

    static ConfigDocs docs() {
        List<ConfigDocs.StageType> types = new ArrayList<>();
        for (StageKind<?> k : stages().all()) {
            types.add(new ConfigDocs.StageType(k.type(), k.summary(), k.configType()));
        }
        return new ConfigDocs(types);
    }
}
