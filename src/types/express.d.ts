import type { AppAbility } from '../policies/ability';
import type { User } from '../models/User';
import type { Lang, Translate } from '../lib/i18n';

declare global {
  namespace Express {
    interface Request {
      requestId: string;
      user?: User;
      tokenId?: string;
      authKind?: 'session' | 'api';
      ability: AppAbility;
      lang: Lang;
      t: Translate;
    }
  }
}

export {};
