/**
 * Images made fit for WeChat before upload: body images (uploadimg: JPEG/PNG under 1 MB) and covers (permanent
 * material), decoded, resized, recompressed and stripped of metadata. Heavy: loads sharp; the sync imports it only when
 * an image has to be converted.
 */
export { ImagePreparationError, prepareBodyImage, prepareCoverImage, type PreparedImage } from './convert.js';
