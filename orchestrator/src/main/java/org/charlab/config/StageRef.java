package org.charlab.config;

/** A config value that names another stage of the same run (a DPO reference, an OPD teacher). */
public record StageRef(String name) {

    @Override
    public String toString() {
        return name;
    }
}
