package io.ipfskit.core.storage;

/** The backend holds no content with the requested CID: {@link StorageErrorClass#NOT_FOUND}, not retryable. */
public class ContentNotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  public ContentNotFoundException(String backend, String cid) {
    super(backend + " backend has no content with cid " + cid, StorageErrorClass.NOT_FOUND);
  }
}
