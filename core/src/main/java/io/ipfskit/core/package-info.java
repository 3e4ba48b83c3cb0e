/** ipfs-kit core: secrets vault, write-ahead log, storage backends, resilience. No MCP, HTTP or CLI here. */
package io.ipfskit.core;
