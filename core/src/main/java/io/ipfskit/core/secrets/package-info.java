/**
 * The encrypted secrets vault. {@link io.ipfskit.core.secrets.Vault} is the one entry point.
 *
 * <p>Store directory ({@code $IPFS_KIT_HOME/secrets}): the reference's {@code secrets.enc.json},
 * {@code metadata.json} and {@code audit.log}, plus {@code keyring.json} (wrapped data key),
 * {@code versions.enc.json} (kept previous versions), {@code master.key} (when no password is
 * configured), {@code audit.head} (HMAC-keyed line count + hash of the audit log, so truncation and
 * recomputed chains are detected), {@code .lock} (inter-process locks and the change counter) and
 * {@code backup-*} directories written by migration. Files are 0600, directories 0700.
 *
 * <p>Crypto: blobs are written only as v3 ({@code v3:<version>:salt:nonce:ct}), AES-256-GCM with a
 * per-secret HKDF-SHA256 key from the data key and AAD = secret id + version. The data key is wrapped
 * by a KEK from PBKDF2-HMAC-SHA256 (600,000 iterations) or Argon2id, or from a random key file, and is
 * unwrapped once per process. Reference blobs v1 (XOR) and v2 (AES-GCM, per-secret PBKDF2) are read
 * and converted by {@code migrate}.
 *
 * <p>Durability and speed: mutations are atomic and durable under an inter-process file lock; reads
 * use a cached snapshot validated by one {@code pread} of a change counter, and append their audit
 * line without fsync (crash-safe for the process, not for power loss).
 */
package io.ipfskit.core.secrets;
