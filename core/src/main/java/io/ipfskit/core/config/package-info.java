/**
 * Settings as the kit reads them at start: {@link io.ipfskit.core.config.Setting} (one known key:
 * its rule with bounds, default and doc line), {@link io.ipfskit.core.config.SettingValue} (raw text
 * plus its {@link io.ipfskit.core.config.SettingSource}: environment, a file, default, live update),
 * {@link io.ipfskit.core.config.Settings} (the read-only view owners such as {@code WalConfig.from}
 * and {@code VaultConfig.from} parse from) and {@link io.ipfskit.core.config.ConfigException} (key,
 * source and rule, never the value). Nothing here reads the environment or a file: the server's
 * {@code KitConfig} gathers the sources once and refuses unknown keys.
 */
package io.ipfskit.core.config;
