// The bundle zip lives in shared/ (pure, through fflate) so bundles also open in the renderer.
export { BundleError, readZip, writeZip, ZIP_LIMITS } from '../../shared/bundle/zip.js';
