package io.ipfskit.core.storage;

/** The address and byte size of content a backend stored. */
public record StoredContent(String cid, long size) {}
