/**
 * What a user should DO about each WeChat errcode (docs/wechat-api.md §11, plus the codes cited in §1–§10). Each entry is the
 * official Chinese meaning followed by an actionable English instruction.
 */
interface HintEntry {
  zh: string;
  do: string | ((errmsg: string, endpoint: string) => string);
}

const WHITELIST_PATH = '公众平台 → 设置与开发 → 基本配置 → IP白名单';
const QUOTA_ADVICE =
  'Check usage with openapi/quota/get (client.openapi.getQuota("/cgi-bin/…")); counters reset at midnight (Beijing time). In an emergency clear_quota resets all counters (10 times a month).';
const TOKEN_ENDPOINTS = /(^|\/)cgi-bin\/(stable_token|token)$/;
const PREVIEW_ENDPOINT = /(^|\/)cgi-bin\/message\/mass\/preview$/;

const TABLE: Record<number, HintEntry> = {
  [-1]: { zh: '系统繁忙', do: 'WeChat is busy; retry after a few seconds (idempotent calls are retried automatically).' },
  0: { zh: '成功', do: 'No error.' },
  40001: {
    zh: 'AppSecret 错误或 access_token 无效/非最新',
    do: (_msg, endpoint) =>
      TOKEN_ENDPOINTS.test(endpoint)
        ? 'The AppSecret is wrong: copy it again from 公众平台 → 设置与开发 → 基本配置 (reset it there if lost) into WECHAT_APP_SECRET.'
        : 'The access token was invalidated, usually because another system called cgi-bin/token for the same account; the client fetches a new token and retries once. Make every system use stable_token.',
  },
  40002: { zh: '不合法的凭证类型 / 参数错误', do: 'A request argument is invalid (grant_type, or publish_id on freepublish/get): check the value you passed.' },
  40003: { zh: '不合法的 OpenID', do: 'The openid does not belong to a follower of this account (openids differ per account): take it from user/get of the same AppID.' },
  40004: { zh: '不合法的媒体文件类型', do: 'Use type image, voice, video or thumb (batchget_material also accepts news).' },
  40005: { zh: '上传素材文件格式不对', do: 'Unsupported format: uploadimg takes jpg/png only, permanent images bmp/png/jpeg/gif; convert webp/svg to png or jpg first.' },
  40006: { zh: '上传素材文件大小超出限制', do: 'The file is too large for this media type: compress or resize it (uploadimg < 1 MB, image 10 MB, voice 2 MB, video 10 MB, thumb 64 KB).' },
  40007: {
    zh: '不合法的媒体文件 id',
    do: 'The media_id is unknown or used up: drafts disappear once published (draft/get then answers 40007), thumb_media_id must be a PERMANENT image/thumb from material/add_material (not media/upload), and ids belong to one account.',
  },
  40008: { zh: '不合法的消息类型', do: 'Use a supported msgtype (text, image, voice, video, music, news, mpnews, mpnewsarticle, msgmenu, wxcard, miniprogrampage).' },
  40009: { zh: '图片尺寸太大', do: 'The image is too large: uploadimg needs < 1 MB (strictly), other images 10 MB; compress or resize it.' },
  40010: { zh: '语音文件大小不合法', do: 'Voice must be mp3/wma/wav/amr, ≤ 2 MB and ≤ 60 s.' },
  40011: { zh: '视频文件大小不合法', do: 'Video must be mp4 and ≤ 10 MB.' },
  40012: { zh: '缩略图大小不合法', do: 'A thumb must be a jpg ≤ 64 KB; for article covers use type=image instead.' },
  40013: {
    zh: '不合法的 AppID',
    do: 'The AppID is wrong: copy it from 公众平台 → 设置与开发 → 基本配置 (开发者ID) into WECHAT_APP_ID; it starts with "wx". Not retried.',
  },
  40014: { zh: '不合法的 access_token', do: 'The access token is malformed or truncated; the client fetches a new one and retries once. If it persists, delete the token cache (~/.cache/wxmp/tokens).' },
  40032: { zh: 'openid 列表长度不合法', do: 'Too many or too few openids: user/info/batchget takes ≤ 100, tagging ≤ 50, mass/send 2–10 000.' },
  40033: { zh: '不合法的请求字符，不能包含 \\uxxxx 格式的字符', do: 'The body contained \\uXXXX escapes: send Chinese as raw UTF-8 (this client does; check text you pre-escaped yourself).' },
  40035: { zh: '不合法的参数', do: 'An argument is out of range (e.g. batchget count must be 1–20).' },
  40048: { zh: '无效的 url', do: 'The URL domain is not allowed: use a valid http(s) URL (menus: a domain you own; articles: mp.weixin.qq.com).' },
  40054: { zh: '不合法的子菜单按钮 url 域名', do: 'Use a valid http(s) URL for the sub-menu button.' },
  40055: { zh: '不合法的菜单按钮 url 域名', do: 'Use a valid http(s) URL for the menu button.' },
  40059: { zh: '不合法的消息 id', do: 'The msg_id is unknown: use the msg_id returned by mass send.' },
  40060: { zh: 'article_idx 不合法', do: 'Article indices are 1-based (0 or omitted = all articles).' },
  40113: { zh: '不支持的文件类型', do: 'WeChat infers the type from the filename extension: give the file a matching extension (.jpg/.png/.gif/.bmp/.mp3/.amr/.mp4…).' },
  40114: { zh: '不合法的 index 值', do: 'draft/update index is 0-based and must be below the number of articles in the draft.' },
  40125: {
    zh: '无效的 appsecret',
    do: 'The AppSecret is invalid: copy it again (or reset it) in 公众平台 → 设置与开发 → 基本配置 → 开发者密码(AppSecret) and update WECHAT_APP_SECRET. Not retried.',
  },
  40130: { zh: 'openid 列表至少需要两个', do: 'mass/send needs at least two openids; use message/mass/preview for a single recipient.' },
  40137: { zh: '不支持的图片格式', do: 'Convert the image to jpg or png.' },
  40152: { zh: '群发参数错误', do: 'Check filter: with is_to_all=false a tag_id is required.' },
  40164: {
    zh: '调用IP不在白名单',
    do: (errmsg) => {
      const ip = /invalid ip\s+([0-9a-fA-F.:]+)/i.exec(errmsg)?.[1];
      const which = ip ? `Add ${ip}` : 'Add the calling IP (shown in errmsg)';
      return `${which} to ${WHITELIST_PATH}. If your public IP changes (home broadband, GitHub-hosted runners), route API calls through a fixed-IP proxy (WXMP_PROXY=http://host:port) or use a self-hosted runner with a fixed IP.`;
    },
  },
  40201: { zh: '不合法的 url', do: 'Check the callback URL configured in 基本配置.' },
  40202: { zh: '不合法的 action', do: 'action must be dns, ping or all.' },
  40203: { zh: '不合法的 check_operator', do: 'check_operator must be CHINANET, UNICOM, CAP or DEFAULT.' },
  40227: { zh: '标题为空', do: 'Every article needs a non-empty title.' },
  40243: { zh: 'AppSecret 已被冻结', do: 'The AppSecret is frozen: unfreeze or reset it in 公众平台 → 设置与开发 → 基本配置.' },
  41001: { zh: '缺少 access_token', do: 'The call was sent without access_token; use the client (it adds it) or pass auth: true to client.call.' },
  41002: { zh: '缺少 appid', do: 'Set WECHAT_APP_ID.' },
  41004: { zh: '缺少 secret', do: 'Set WECHAT_APP_SECRET.' },
  41005: { zh: '缺少多媒体文件数据', do: 'The upload had no file: send it in the multipart field "media".' },
  41006: { zh: '缺少 media_id', do: 'Pass a media_id.' },
  41033: { zh: '非法的注册类型', do: 'This API is for third-party platforms (authorizer tokens), not for an account\'s own token.' },
  41039: { zh: '不合法的 content_source_url', do: 'The "阅读原文" link (content_source_url) must be a valid http(s) URL under 1 KB.' },
  42001: { zh: 'access_token 超时', do: 'The access token expired; the client fetches a new one and retries once. Check the system clock if this repeats.' },
  43001: { zh: '需要 GET 请求', do: 'This endpoint must be called with GET.' },
  43002: { zh: '需要 POST 请求', do: 'This endpoint must be called with POST.' },
  43003: { zh: '需要 HTTPS', do: 'Use https:// for the API base.' },
  43004: { zh: '需要接收者关注', do: 'The recipient does not follow the account; they must follow it first.' },
  43019: { zh: '需要将接收者从黑名单中移除', do: 'The recipient is in the account\'s blacklist: remove them in 公众平台 → 用户管理 → 黑名单.' },
  44001: { zh: '多媒体文件为空', do: 'The uploaded file is empty (0 bytes).' },
  44002: { zh: 'POST 数据包为空', do: 'The POST body was empty.' },
  44003: { zh: '图文消息内容为空', do: 'articles must be a non-empty array of article objects.' },
  44004: { zh: '文本消息内容为空', do: 'The text message content is empty.' },
  45001: { zh: '多媒体文件大小超过限制', do: 'The file exceeds the size limit for its type: compress it (images 10 MB, voice 2 MB, video 10 MB, thumb 64 KB).' },
  45002: { zh: '消息内容超过限制', do: 'Content too long: an article must be under 20,000 characters and under 1 MB of HTML — split the post or shorten it (inline styles count too).' },
  45003: { zh: '标题字段超过限制', do: 'Title too long: keep it within 64 characters (the documentation says 32) — shorten the title.' },
  45004: { zh: '描述字段超过限制', do: 'Digest (摘要) too long: keep it within 128 characters.' },
  45005: { zh: '链接字段超过限制', do: 'A URL is too long: content_source_url ≤ 1 KB, menu URLs ≤ 1024 bytes.' },
  45006: { zh: '图片链接字段超过限制', do: 'The picture URL is too long; shorten it.' },
  45007: { zh: '语音播放时间超过限制', do: 'Voice must be at most 60 seconds.' },
  45008: { zh: '图文消息超过限制', do: 'Too many articles: custom news/mpnews messages take exactly 1, a draft at most 8.' },
  45009: {
    zh: '接口调用超过每日限额',
    do: (_msg, endpoint) =>
      PREVIEW_ENDPOINT.test(endpoint)
        ? `A daily limit of message/mass/preview is used up: previews to a WeChat ID (towxname) are limited to 100 a day. Preview to the follower's openid instead (touser; \`wxmp preview --to <openid>\` without --wxname), or wait until midnight (Beijing time). ${QUOTA_ADVICE}`
        : `The daily quota of this API is used up; further calls fail until tomorrow, so the run stops here. ${QUOTA_ADVICE}`,
  },
  45010: { zh: '创建菜单个数超过限制', do: 'Menus allow 1–3 top-level buttons with up to 5 sub-buttons each; also check the daily menu/create quota.' },
  45011: { zh: 'API 调用太频繁', do: 'Per-minute rate limit: slow down (retried automatically with backoff; lower the sync concurrency if it persists).' },
  45015: {
    zh: '回复时间超过限制',
    do: 'The user has not interacted with the account recently: custom (客服) messages can only be sent within 48 hours after the user last messaged the account (1 minute after a menu click/follow/scan), and not to someone who unfollowed. Wait until the user writes to the account again; to reach followers outside the window, publish the article or use a mass send.',
  },
  45028: { zh: '没有群发配额', do: 'No mass-send quota left today (订阅号 1 per day, 服务号 4 per month per user); try tomorrow, or publish without pushing (freepublish).' },
  45047: {
    zh: '客服接口下行条数超过上限',
    do: 'Too many custom messages without a reply: at most 5 per user message within its 48-hour window (3 within a minute after a menu click/follow/scan). Wait for the user to write again; that opens a new window.',
  },
  45056: { zh: '创建的标签数过多', do: 'An account can have at most 100 tags; delete unused ones.' },
  45057: { zh: '该标签下粉丝数超过10w，不允许直接删除', do: 'Untag the followers first, then delete the tag.' },
  45058: { zh: '不能修改0/1/2这三个系统默认保留的标签', do: 'Tags 0, 1 and 2 are system tags and cannot be changed.' },
  45059: { zh: '有粉丝身上的标签数已经超过限制', do: 'A follower can have at most 20 tags; remove some first.' },
  45064: { zh: '创建菜单包含未关联的小程序', do: 'Link the mini program to the account (公众平台 → 小程序管理) before using it in the menu.' },
  45065: { zh: '相同 clientmsgid 已存在群发记录', do: 'This clientmsgid was already used: the earlier mass send exists — do not send again.' },
  45066: { zh: '相同 clientmsgid 重试速度过快', do: 'Wait at least a minute before retrying with the same clientmsgid.' },
  45067: { zh: 'clientmsgid 长度超过限制', do: 'clientmsgid must be at most 64 bytes.' },
  45080: { zh: '下发输入状态，需要之前30秒内跟用户有过消息交互', do: 'Typing status can only be sent within 30 s of the user\'s last message.' },
  45081: { zh: '已经在输入状态，不可重复下发', do: 'Typing status lasts 15 s; do not send it again meanwhile.' },
  45083: { zh: '设置的 speed 参数不在0到4的范围内', do: 'The mass-send speed is a level from 0 (fastest, 80 万/min) to 4 (10 万/min).' },
  45084: { zh: '没有设置 speed 参数', do: 'message/mass/speed/set needs a "speed" field (0–4).' },
  45086: { zh: '小程序 appid 不合法', do: 'data-miniprogram-appid must be a mini program linked to the account.' },
  45106: { zh: '此接口已下线', do: 'This API was shut down (material/add_news etc. since 2022-02-28): use drafts (draft/add) and freepublish instead.' },
  45110: { zh: '作者字数超出限制', do: 'Author too long: keep it within 16 characters.' },
  45157: { zh: '标签名非法', do: 'The tag name is invalid or already exists; choose another.' },
  45158: { zh: '标签名长度超过30个字节', do: 'Tag names are limited to 30 bytes (about 10 Chinese characters).' },
  45166: {
    zh: '不支持的内容',
    do: 'WeChat rejected the content: links outside mp.weixin.qq.com are not allowed in article HTML (use the footnote/references link style), and 图片消息 text has a length limit.',
  },
  46001: { zh: '不存在媒体数据', do: 'The media does not exist (temporary media expire after 3 days): upload it again.' },
  46003: { zh: '不存在的菜单数据', do: 'No menu is configured; create one with menu/create.' },
  46004: { zh: '不存在的用户', do: 'The user does not exist for this account.' },
  47001: { zh: '解析 JSON/XML 内容错误', do: 'The request body was malformed or had the wrong shape for this endpoint; check the fields against the API reference.' },
  47002: { zh: '数据格式错误，不要使用 json unicode 编码', do: 'The body contained \\uXXXX escapes: send UTF-8 text as is.' },
  47003: { zh: '参数值不符合限制要求', do: 'An argument value is invalid; errmsg names it.' },
  48001: {
    zh: 'api 功能未授权',
    do: (_msg, endpoint) =>
      PREVIEW_ENDPOINT.test(endpoint)
        ? 'Preview (message/mass/preview) needs a verified account (微信认证): unverified accounts cannot use it through the API. Verify the account (公众平台 → 设置 → 微信认证), or preview the draft in the web UI instead (公众平台 → 内容管理 → 草稿箱 → 预览, sent to a WeChat ID). Not retried.'
        : 'The account may not use this API: freepublish, mass send/preview and custom messages need a verified account (微信认证) or a permission the account lacks — check 公众平台 → 设置与开发 → 接口权限. Not retried.',
  },
  48002: { zh: '粉丝拒收消息', do: 'The follower turned off messages from the account (粉丝在公众号选项中关闭了"接收消息").' },
  48003: { zh: '未同意群发协议', do: 'Sign the mass-send agreement by sending one mass message from 公众平台 first.' },
  48004: { zh: 'api 接口被封禁', do: 'The API was banned for violations: read the notice in 公众平台 and appeal there.' },
  48005: { zh: 'api 禁止删除被自动回复和自定义菜单引用的素材', do: 'The material is used by an auto-reply or the menu: remove that reference first.' },
  48006: { zh: 'api 禁止清零调用次数，因为清零次数达到上限', do: 'clear_quota is limited to 10 times a month; wait for next month.' },
  48008: { zh: '没有该类型消息的发送权限', do: 'The account lacks permission for this message type.' },
  48021: { zh: '自动保存的草稿无法预览/发送，请先手动保存草稿', do: 'Open the draft in 公众平台 → 草稿箱 and save it manually, then preview/send again.' },
  49003: { zh: '传入的 openid 不属于此 AppID', do: 'The openid belongs to another account; use openids from this account.' },
  50001: { zh: '用户未授权该 api', do: 'The account is not authorised for this API (check 接口权限).' },
  50002: { zh: '用户受限', do: 'The account is restricted (frozen, cancelled or penalised): see the notice in 公众平台.' },
  50004: { zh: '禁止使用 token 接口', do: 'The account is forbidden from fetching access tokens (a penalty): see the notice in 公众平台.' },
  50005: { zh: '用户未关注公众号', do: 'The user does not follow the account.' },
  50007: { zh: '账号已冻结', do: 'The account is frozen: unfreeze it in 公众平台 before using the API.' },
  53404: { zh: '账号已被限制带货能力', do: 'Remove the product card (product_info); the account may not sell products.' },
  53405: { zh: '插入商品信息有误', do: 'Check product_info.footer_product_info.product_key.' },
  53406: { zh: '请先开通带货能力', do: 'Enable 带货 capability in 公众平台 before adding product cards.' },
  53500: { zh: '发布功能被封禁', do: 'Publishing is banned for this account: see the notice in 公众平台.' },
  53501: { zh: '频繁请求发布', do: 'Publishing too often: wait a few minutes before submitting again.' },
  53502: { zh: 'Publish ID 无效', do: 'The publish_id is unknown: use the exact publish_id returned by freepublish/submit (64-bit, keep it as a string).' },
  53503: { zh: '该草稿未通过发布检查', do: 'The draft failed the pre-publish check: open it in 公众平台 → 草稿箱 to see what is wrong.' },
  53504: { zh: '需前往公众平台官网使用草稿', do: 'This draft must be published from the 公众平台 website.' },
  53505: { zh: '请手动保存成功后再发表', do: 'Open the draft in 公众平台 → 草稿箱, save it manually, then publish again.' },
  53600: { zh: 'Article ID 无效', do: 'The article_id is unknown: take it from freepublish/get or freepublish/batchget.' },
  61450: { zh: '系统错误', do: 'A temporary system error; retried automatically with backoff.' },
  61451: { zh: '参数错误', do: 'Check the request arguments.' },
  61500: { zh: '日期格式错误', do: 'Dates must be YYYY-MM-DD.' },
  61501: { zh: '日期范围错误', do: 'end_date must be yesterday or earlier and the span within the API\'s maximum (1/3/7/15/30 days; the new article APIs 1 day).' },
  61503: { zh: '数据未就绪，请稍后重试', do: 'Yesterday\'s statistics are ready after about 08:00 Beijing time; try later.' },
  65303: { zh: '没有默认菜单，不能创建个性化菜单', do: 'Create the default menu (menu/create) before conditional menus.' },
  65316: { zh: '该公众号的菜单设置了过多的域名外跳', do: 'Menu view URLs may use at most 3 distinct domains.' },
  65317: { zh: '不合法的 URL', do: 'A menu URL is invalid.' },
  65318: { zh: '必须使用 UTF-8 编码', do: 'Send the menu as UTF-8 JSON.' },
  65320: { zh: '个性化菜单 matchrule 涉及隐私', do: 'sex/country/province/city match rules are no longer allowed; match by tag_id.' },
  76001: { zh: 'rid 不存在', do: 'The rid is unknown (copy it exactly from errmsg).' },
  76002: { zh: 'rid 为空或者格式错误', do: 'Pass the rid exactly as it appears in errmsg.' },
  76003: { zh: '当前账号无权查询该 rid', do: 'The rid belongs to another account.' },
  76004: { zh: 'rid 过期', do: 'rids can be looked up for 7 days only.' },
  76021: { zh: 'cgi_path 填错了', do: 'cgi_path must be the API path starting with "/", e.g. "/cgi-bin/draft/add" (no host).' },
  76022: { zh: '当前调用接口使用的 token 与 api 所属账号不符', do: 'No permission for this cgi_path (/sns/ paths are not supported).' },
  88000: { zh: '无留言权限', do: 'The account has no comment privilege: turn off comments (comments: false in wxmp.config / need_open_comment 0).' },
  89503: { zh: '此次调用需要管理员确认', do: 'An administrator must confirm this call in the 公众平台 security notification, then retry.' },
  89506: { zh: '该IP调用请求已被公众号管理员拒绝', do: 'An administrator rejected calls from this IP; wait 24 hours or call from a whitelisted IP.' },
  89507: { zh: '该IP调用请求已被公众号管理员拒绝', do: 'An administrator rejected calls from this IP; wait 1 hour or call from a whitelisted IP.' },
};

/** Menu button validation codes (§8). */
function menuHint(code: number): HintEntry | undefined {
  const menu: Record<number, string> = {
    40015: '不合法的菜单类型', 40016: '不合法的按钮个数', 40017: '不合法的按钮类型', 40018: '不合法的按钮名字长度',
    40019: '不合法的按钮 KEY 长度', 40020: '不合法的按钮 URL 长度', 40021: '不合法的菜单版本号', 40022: '不合法的子菜单级数',
    40023: '不合法的子菜单按钮个数', 40024: '不合法的子菜单按钮类型', 40025: '不合法的子菜单按钮名字长度',
    40026: '不合法的子菜单按钮 KEY 长度', 40027: '不合法的子菜单按钮 URL 长度', 40028: '不合法的自定义菜单使用用户',
  };
  const zh = menu[code];
  if (!zh) return undefined;
  return {
    zh,
    do: 'Menu rules: 1–3 top-level buttons, ≤ 5 sub-buttons each; names ≤ 16 bytes (top) / 60 bytes (sub) in UTF-8 (a Chinese character is 3 bytes); key ≤ 128 bytes; url ≤ 1024 bytes; a button has either a type or sub_button.',
  };
}

/** Conditional-menu codes 65301–65320 not listed individually. */
function conditionalMenuHint(code: number): HintEntry | undefined {
  if (code < 65301 || code > 65320) return undefined;
  return { zh: '个性化菜单错误', do: 'A conditional-menu rule is invalid (menuid, matchrule or tag); check the menu definition.' };
}

/** Known codes (for tests and docs). */
export function knownErrcodes(): number[] {
  const codes = Object.keys(TABLE).map(Number);
  for (let c = 40015; c <= 40028; c++) codes.push(c);
  for (let c = 65301; c <= 65320; c++) if (!(c in TABLE)) codes.push(c);
  return codes.sort((a, b) => a - b);
}

/**
 * What to do about `errcode`. `errmsg` refines some hints (40164 carries the caller's IP); `endpoint` tells a wrong
 * AppSecret (40001 on the token endpoints) from a revoked token (40001 elsewhere).
 */
export function hintFor(errcode: number, errmsg = '', endpoint = ''): string {
  const entry = TABLE[errcode] ?? menuHint(errcode) ?? conditionalMenuHint(errcode);
  if (!entry) {
    const rid = /rid:\s*([0-9a-f-]+)/i.exec(errmsg)?.[1];
    const lookup = rid ? ` Look up the request with openapi/rid/get (rid ${rid}, valid 7 days).` : '';
    return `Unknown errcode ${errcode}: see the 全局返回码 table in the WeChat docs.${lookup}`;
  }
  const action = typeof entry.do === 'function' ? entry.do(errmsg, endpoint) : entry.do;
  return `${entry.zh}: ${action}`;
}
