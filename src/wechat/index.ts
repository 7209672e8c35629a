export { WeChatClient, normalizeApiBase } from './client.js';
export type { ApiContext } from './api/context.js';
export { clientFromEnv, type ClientConfig, type ClientFromEnvOptions } from './env.js';
export {
  FATAL_ERRCODES,
  WeChatClientError,
  WeChatError,
  WeChatPublishError,
  WeChatTransportError,
  publishStatusText,
} from './errors.js';
export { hintFor, knownErrcodes } from './hints.js';
export { sniffFileType, prepareUpload, type SniffedType, type UploadFile } from './filetype.js';
export { encodeJson, parseJson } from './json.js';
export { Redactor } from './redact.js';
export { DEFAULT_API_BASE, FileTokenCache, defaultTokenCacheDir } from './token-cache.js';
export type * from './types.js';
export type { MediaType, TempMedia } from './api/media.js';
export type { AddedMaterial, BatchgetType, MaterialContent, MaterialCount, MaterialItem, MaterialPage, VideoDescription } from './api/material.js';
export type { DraftArticle, DraftNewsItem, DraftPage, DraftPageItem } from './api/draft.js';
export type { PublishResult, PublishStatus, PublishedArticle, PublishedPage, WaitOptions } from './api/freepublish.js';
export type { CustomMessage, CustomMessagePayload, PreviewMessage, PreviewTarget } from './api/message.js';
export type { MenuButton, MenuDefinition, MenuInfo } from './api/menu.js';
export type { FollowerPage, UserInfo, UserLang } from './api/user.js';
export { DATACUBE_MAX_SPAN, type DatacubeApiName, type DatacubeResult, type DateRange } from './api/datacube.js';
export type { ApiQuota } from './api/openapi.js';
export { accountTypeText, type AccountBasicInfo } from './api/account.js';
export { menuProblems, MENU_BUTTON_TYPES, MENU_LIMITS, type MenuProblem } from './menu-validate.js';
