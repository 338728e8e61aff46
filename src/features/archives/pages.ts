import { Router } from 'express';
import { sealCase } from '../../commands/archives';
import { verifyAndRecord } from '../../commands/archiveVerifications';
import { latestVerification } from '../../queries/archiveVerifications';
import { requireSignIn } from '../../http/auth';
import { idParam, pageQuery } from '../../lib/http';
import { uuidParam } from '../../lib/pagination';
import { parse } from '../../lib/validate';
import { mayListArchives } from '../../policies/archiveReaders';
import { allowed, authorize } from '../../policies/authorize';
import { archiveOfCase, listArchives } from '../../queries/archives';
import { archiveActor } from './api';
import { ArchiveListQuery } from './schema';

/**
 * /archives: the archive chain, newest first, keyset-paged, and the verification (a green or red
 * summary with every failure). On the case page (mounted before it, like the dispute documents):
 * the case's archive, and quality's "Archive" button on a closed case, which posts here.
 */
export function archivesPages(): Router {
  const r = Router();
  r.use('/archives', requireSignIn);

  r.get('/archives', async (req, res) => {
    if (!mayListArchives(req)) authorize(req, 'verify', 'Archive');
    const query = pageQuery(req, Object.keys(ArchiveListQuery.shape));
    const listed = await listArchives(parse(ArchiveListQuery, query, req.lang));
    const page = { ...listed, items: listed.items.map((a) => ({ ...a, sha256Short: `${a.sha256.slice(0, 12)}…` })) };
    const nextQuery = listed.nextCursor ? new URLSearchParams({ ...query, cursor: listed.nextCursor }).toString() : null;
    const mayVerify = allowed(req, 'verify', 'Archive');
    // The last recorded run (src/commands/archiveVerifications.ts), for whoever may verify.
    const lastRun = mayVerify ? await latestVerification() : null;
    res.render('archives/index', { title: req.t('archives.title'), page, nextQuery, mayVerify, lastRun });
  });

  r.get('/archives/verify', async (req, res) => {
    authorize(req, 'verify', 'Archive');
    const result = await verifyAndRecord('page', req.user!.id);
    const partial = Boolean(req.get('hx-request'));
    res.render(partial ? 'partials/archive-verify-result' : 'archives/verify', { title: req.t('archives.verify.title'), result, layout: partial ? false : 'main' });
  });

  r.get('/complaints/:id', async (req, res, next) => {
    const id = uuidParam.safeParse(req.params.id);
    if (id.success && allowed(req, 'read', 'Archive')) {
      const archive = await archiveOfCase(id.data);
      res.locals.caseArchive = { archive, mayArchive: allowed(req, 'create', 'Archive'), mayHold: allowed(req, 'hold', 'Archive'), action: `/complaints/${id.data}/archive` };
    }
    next();
  });

  r.post('/complaints/:id/archive', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Archive');
    const id = idParam(req);
    await sealCase(id, archiveActor(req));
    res.redirect(303, `/complaints/${id}#archive`);
  });

  return r;
}
