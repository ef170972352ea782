import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const BUNDLE_ERRORS = {
  RS_ERR_BUNDLE_MAGIC: { exit: EXIT.DATA, description: 'The file is not a radiosync bundle (bad magic bytes).' },
  RS_ERR_BUNDLE_VERSION: { exit: EXIT.DATA, description: 'The bundle was written by a newer radiosync (unknown format version). Upgrade this station.' },
  RS_ERR_BUNDLE_TRUNCATED: { exit: EXIT.DATA, description: 'The bundle is shorter than its header says: the copy was cut off. Copy it again; nothing was applied.' },
  RS_ERR_BUNDLE_CORRUPT: { exit: EXIT.DATA, description: 'The bundle checksum does not match or its body does not decode. Copy it again; nothing was applied.' },
  RS_ERR_BUNDLE_NOT_FOUND: { exit: EXIT.NO_INPUT, description: 'The bundle file named on the command line does not exist or cannot be read.' },
  RS_ERR_BUNDLE_TOO_LARGE: { exit: EXIT.DATA, description: 'The bundle is larger than MAX_BUNDLE_BYTES or holds more than MAX_BUNDLE_ITEMS items.' },
} as const satisfies ErrorCatalog;

export type BundleErrorCode = keyof typeof BUNDLE_ERRORS;
