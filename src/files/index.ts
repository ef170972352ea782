/** Folder sync: the public surface for the sync layer, the CLI and src/index.ts. */
export { FILES_ERRORS, type FilesErrorCode } from './errors.js';
export * from './limits.js';
export { FolderSet, type FolderSetOptions } from './FolderSet.js';
export { assertFolderMarker, detectCaseInsensitive, initFolderMarker, validateFolders, MAX_SHARE_NAME, type FolderConfig } from './Folder.js';
export {
  FILES_TABLE, entryId, entryFields, changedFields, applyFields, sameEntry, sameContent, badPathReason,
  type EntryType, type FileEntry, type FileChange, type FileRowState,
} from './FileEntry.js';
export { scanFolder, EMPTY_LIST, type ScanOptions, type ScanResult, type ScanStats, type ScanContext } from './scanFolder.js';
export { applyEntries, type ApplyItem, type ApplyReport, type ApplyProblem, type ApplyContext } from './applyEntries.js';
export { pickFileWinner, needsConflictCopy, type VersionedEntry } from './fileConflict.js';
export { ChunkIndex, VERSIONS_SHARE } from './ChunkIndex.js';
export type { FilesDb, ScanRow, ChunkLocation } from './FilesDb.js';
export { MemoryFilesDb } from './MemoryFilesDb.js';
export type { ChunkStore } from './ChunkStore.js';
export { MemoryChunkStore } from './MemoryChunkStore.js';
export { planChunks, allChunkHashes, peerLacksAny, type ChunkPlan, type PlanOptions } from './planChunks.js';
export { diffFolder, ENTRY_OVERHEAD_BYTES, type DiffItem, type DiffKind, type FolderDiff } from './diffFolder.js';
export { FolderWatcher, type FolderWatcherOptions } from './FolderWatcher.js';
export { FastCdc, chunkBytes, GEAR, GEAR_SEED_LABEL, type ChunkerOptions } from './FastCdc.js';
export { hashChunk } from './chunkHash.js';
export { buildChunkTree, expandChunkList, packList, unpackList, listSize, type ChunkRef, type ChunkTree } from './ChunkList.js';
export { chunkFile, type ChunkedFile } from './chunkFile.js';
export { conflictName, versionName, CONFLICT_RE } from './conflictName.js';
export { DEFAULT_IGNORES, IGNORE_FILE, FOLDER_MARKER, TEMP_PREFIX, makeIgnore, loadIgnore, type IgnoreTest } from './ignoreRules.js';
export { safeWriteFile, cleanTemps, type SafeWriteOptions } from './safeWrite.js';
export { Versions, cleanupVersions } from './Versions.js';
export {
  FolderReplica, syncOnce, compareVv, mergeVv,
  type FilesBundle, type FilesAck, type ReplicaVersion, type FolderReplicaOptions,
} from './FolderReplica.js';
export { FILES_DIAGNOSTICS } from './diagnostics.js';
export { formatFolderDiff, DIFF_HINT_BITRATE } from './formatDiff.js';
export { resolveFileRow, type HeldFileChange, type ResolvedFileRow } from './resolveFileRow.js';
export { sameVv, sortVv, type RowSyncState, type FileProblem, type JournalRow } from './RowSyncState.js';
export { MemoryRowSyncState } from './MemoryRowSyncState.js';
