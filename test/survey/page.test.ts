import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { useTestClock } from '../support/clock';
import { signedIn } from '../support/factories';
import { caseClosedAt, DAY, invitedCase } from './support';

const t = useTestApp();
useTestClock();

/** A visitor with no session: the page's form carries a CSRF token bound to the anonymous cookie. */
async function visitor(token: string, lang?: string) {
  const agent = request.agent(t.app);
  const page = await agent.get(`/survey/${token}`).query(lang ? { lang } : {});
  return { agent, page, csrf: page.status === 200 ? csrfFrom(page.text) : '' };
}

const answers = (complaintId: string) =>
  sequelize().query<{ rating: number; comment: string }>('SELECT rating, comment FROM survey_answers WHERE complaint_id = $1', { bind: [complaintId], type: QueryTypes.SELECT });

describe('GET /survey/:token — the public page', () => {
  it('asks one question in Vietnamese, without sign-in, as an accessible radio group with a comment', async () => {
    const { complaint, token } = await invitedCase();
    const { page } = await visitor(token);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const html = page.text;
    expect(html).toContain('<html lang="vi"');
    expect(html).toContain('Khảo sát mức độ hài lòng');
    expect(html).toMatch(/<fieldset class="survey-rating"[^>]*>\s*<legend>Mức độ hài lòng của Quý khách/);
    for (const n of [1, 2, 3, 4, 5]) expect(html).toContain(`<input type="radio" id="rating-${n}" name="rating" value="${n}" required`);
    expect(html).toContain('<label for="field-comment">');
    expect(html).toContain('maxlength="2000"');
    expect(html).toContain('name="_csrf"');
    expect(html).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    // Nothing about the case: no reference, no subject, no navigation.
    expect(html).not.toContain(complaint.reference);
    expect(html).not.toContain(complaint.subject);
    expect(html).not.toContain('href="/complaints');
    expect(html).toContain('data-testid="lang-switch"');
  });

  it('speaks English on ?lang=en', async () => {
    const { token } = await invitedCase();
    const { page } = await visitor(token, 'en');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="en"');
    expect(page.text).toContain('How satisfied are you?');
    expect(page.text).toContain('Very satisfied');
  });

  it('answers a bad, expired or used link with a friendly page: 404, 410, 409 — never a stack, never a hint about other links', async () => {
    // A broken percent-encoding is the router's 400, not a 500.
    expect((await request(t.app).get('/survey/%E0%A4%A')).status).toBe(400);
    for (const bad of ['x'.repeat(43), 'not-a-token', 'a'.repeat(3000), '%E2%80%AE..%2F..']) {
      const res = await request(t.app).get(`/survey/${bad}`);
      expect([bad.slice(0, 10), res.status]).toEqual([bad.slice(0, 10), 404]);
      expect(res.text).toContain('Đường dẫn không hợp lệ');
      expect(res.text).not.toMatch(/at \S+ \(|Error:/);
    }
    const expired = await invitedCase(new Date(Date.now() - 20 * DAY));
    const gone = await request(t.app).get(`/survey/${expired.token}`);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('Đường dẫn đã hết hạn');
    const en = await request(t.app).get(`/survey/${expired.token}?lang=en`);
    expect(en.status).toBe(410);
    expect(en.text).toContain('This link has expired');

    const used = await invitedCase();
    const v = await visitor(used.token);
    expect((await v.agent.post(`/survey/${used.token}`).type('form').send({ _csrf: v.csrf, rating: '5' })).status).toBe(303);
    const again = await request(t.app).get(`/survey/${used.token}`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('Quý khách đã gửi đánh giá');
    // A POST to a bad link gets the same page (CSRF token of a real page).
    const other = await invitedCase();
    const w = await visitor(other.token);
    const junk = await w.agent.post(`/survey/${'y'.repeat(43)}`).type('form').send({ _csrf: w.csrf, rating: '5' });
    expect(junk.status).toBe(404);
    const reused = await w.agent.post(`/survey/${used.token}`).type('form').send({ _csrf: w.csrf, rating: '5' });
    expect(reused.status).toBe(409);
  });
});

describe('POST /survey/:token', () => {
  it('stores the answer and shows the thank-you page', async () => {
    const { complaint, token } = await invitedCase();
    const v = await visitor(token);
    const res = await v.agent.post(`/survey/${token}`).type('form').send({ _csrf: v.csrf, rating: '4', comment: '  Hỗ trợ tốt, cảm ơn!  ' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/survey/thanks');
    const thanks = await v.agent.get(res.headers.location);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain('Cảm ơn Quý khách!');
    expect(await answers(complaint.id)).toEqual([{ rating: 4, comment: 'Hỗ trợ tốt, cảm ơn!' }]);
  });

  it('needs the page\'s CSRF token, as the sign-in form does (403, nothing stored)', async () => {
    const { complaint, token } = await invitedCase();
    const v = await visitor(token);
    for (const body of [{ rating: '5' }, { _csrf: 'forged', rating: '5' }]) {
      expect((await v.agent.post(`/survey/${token}`).type('form').send(body)).status).toBe(403);
    }
    // A token from another visitor's page does not do either.
    const other = await visitor(token);
    expect((await v.agent.post(`/survey/${token}`).type('form').send({ _csrf: other.csrf, rating: '5' })).status).toBe(403);
    expect(await answers(complaint.id)).toEqual([]);
  });

  it('answers a missing rating, a junk rating or a comment over 2000 characters with 400 and the fields\' errors, keeping what was typed', async () => {
    const { complaint, token } = await invitedCase();
    const v = await visitor(token);
    const post = (body: Record<string, unknown>) => v.agent.post(`/survey/${token}`).type('form').send({ _csrf: v.csrf, ...body });

    const missing = await post({ comment: 'Không biết chọn mức nào' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Xin chọn một mức từ 1 đến 5.');
    expect(missing.text).toContain('Không biết chọn mức nào</textarea>');
    expect(missing.text).toContain('aria-invalid="true"');

    for (const rating of ['0', '6', '4.5', 'năm', '1; DROP TABLE survey_answers']) expect((await post({ rating })).status).toBe(400);

    const long = 'ý'.repeat(2001);
    const tooLong = await post({ rating: '3', comment: long });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Góp ý dài quá 2000 ký tự.');
    expect(tooLong.text).toContain(`${long}</textarea>`);
    // The rating chosen stays chosen.
    expect(tooLong.text).toMatch(/value="3" required checked/);

    // Arrays and nested fields (extended=false still repeats keys) are refused as fields, not as a 500.
    const repeated = await v.agent.post(`/survey/${token}`).type('form').send(`_csrf=${encodeURIComponent(v.csrf)}&rating=2&rating=3&comment=a&comment=b`);
    expect(repeated.status).toBe(400);
    expect(await answers(complaint.id)).toEqual([]);

    // A body over the form limit (1 MB) or with a NUL character is refused with a 4xx page, never a 500.
    expect((await post({ rating: '3', comment: 'a'.repeat(1_100_000) })).status).toBe(413);
    expect((await post({ rating: '3', comment: 'a\u0000b' })).status).toBe(400);
    expect(await answers(complaint.id)).toEqual([]);

    // Exactly 2000 characters is fine.
    expect((await post({ rating: '3', comment: 'ư'.repeat(2000) })).status).toBe(303);
  });

  it('two (or four) submits of one link at once: exactly one answer, the others told it was already used', async () => {
    const { complaint, token } = await invitedCase();
    const v = await visitor(token);
    const results = await Promise.all([1, 2, 3, 4].map((rating) => v.agent.post(`/survey/${token}`).type('form').send({ _csrf: v.csrf, rating: String(rating) })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([303, 409, 409, 409]);
    expect(await answers(complaint.id)).toHaveLength(1);
  });
});

describe('the results on the case', () => {
  it('shows the invitation and the answer on the case page and in GET /api/v1/complaints/:id', async () => {
    const { complaint, token } = await invitedCase();
    const quality = await signedInAgent(t.app, ['quality']);
    const before = await quality.agent.get(`/complaints/${complaint.id}`);
    expect(before.status).toBe(200);
    expect(before.text).toContain('data-testid="survey-panel"');
    expect(before.text).toContain('Chưa có trả lời.');

    const v = await visitor(token);
    expect((await v.agent.post(`/survey/${token}`).type('form').send({ _csrf: v.csrf, rating: '2', comment: 'Phải gọi nhiều lần mới gặp được nhân viên.' })).status).toBe(303);

    const after = await quality.agent.get(`/complaints/${complaint.id}`);
    expect(after.text).toMatch(/data-testid="survey-rating"><strong>2\/5<\/strong> — Không hài lòng/);
    expect(after.text).toContain('Phải gọi nhiều lần mới gặp được nhân viên.');
    const en = await quality.agent.get(`/complaints/${complaint.id}?lang=en`);
    expect(en.text).toContain('Satisfaction survey');
    expect(en.text).toContain('Dissatisfied');

    const api = await signedIn(['quality']);
    const res = await t.request().get(`/api/v1/complaints/${complaint.id}`).set(api.auth);
    expect(res.status).toBe(200);
    expect(res.body.survey).toEqual({
      invitedAt: expect.any(String),
      expiresAt: expect.any(String),
      usedAt: expect.any(String),
      open: false,
      answer: { rating: 2, comment: 'Phải gọi nhiều lần mới gặp được nhân viên.', answeredAt: expect.any(String), archiveId: null },
    });
  });

  it('says when a closed case was never invited, and the API says null', async () => {
    const c = await caseClosedAt(new Date(Date.now() - 2 * DAY), { email: null });
    const quality = await signedInAgent(t.app, ['quality']);
    const page = await quality.agent.get(`/complaints/${c.id}`);
    expect(page.text).toContain('data-testid="survey-not-invited"');
    const api = await signedIn(['quality']);
    expect((await t.request().get(`/api/v1/complaints/${c.id}`).set(api.auth)).body.survey).toBeNull();
  });
});
