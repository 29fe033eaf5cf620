// The bundle zip lives in shared/ (pure, through fflate) so bundles also open in the renderer.
export { BundleError, readZip, safeEntryName, writeZip, ZIP_LIMITS, type ZipEntry, type ZipLimits } from '../../shared/bundle/zip.js';
