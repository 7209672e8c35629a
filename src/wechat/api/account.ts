import type { ApiContext } from './context.js';

/** `account/getaccountbasicinfo` (docs/wechat-api.md §3): the account's name, type and verification. */
export interface AccountBasicInfo {
  appid: string;
  /** 1 订阅号, 2 服务号, 3 小程序. */
  account_type?: number;
  /** 0 个人, 1 企业, 2 媒体, 3 政府, 4 其他组织. */
  principal_type?: number;
  principal_name?: string;
  /** 1 实名验证成功, 2 实名验证中, 3 实名验证失败. */
  realname_status?: number;
  wx_verify_info?: {
    qualification_verify?: boolean;
    naming_verify?: boolean;
    annual_review?: boolean;
    annual_review_begin_time?: number;
    annual_review_end_time?: number;
  };
  signature_info?: { signature?: string; modify_used_count?: number; modify_quota?: number };
  head_image_info?: { head_image_url?: string; modify_used_count?: number; modify_quota?: number };
  nickname?: string;
  nickname_info?: { nickname?: string; modify_used_count?: number; modify_quota?: number };
  registered_country?: number;
  credential?: string;
  /** 0 when the account is not verified (微信认证). */
  customer_type?: number;
}

/** `cgi-bin/account/*`. */
export class AccountApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * The account's basic information. A third-party-platform API ("所属权限集 3"): WeChat answers an account's own
   * token only for accounts created through a platform, and otherwise 41033 (`invaid register type`) or 48001 — a
   * refusal that still proves the token was accepted. Official docs show it as GET (old) and POST (new); SDKs use GET.
   */
  async basicInfo(): Promise<AccountBasicInfo> {
    const res = await this.ctx.call<AccountBasicInfo & { errcode?: number; errmsg?: string }>({ path: 'cgi-bin/account/getaccountbasicinfo', method: 'GET' });
    const { errcode: _errcode, errmsg: _errmsg, ...info } = res;
    return info;
  }
}

/** `account_type` in words. */
export function accountTypeText(type: number | undefined): string {
  switch (type) {
    case 1: return '订阅号 subscription account';
    case 2: return '服务号 service account';
    case 3: return '小程序 mini program';
    default: return type === undefined ? 'unknown' : `type ${type}`;
  }
}
