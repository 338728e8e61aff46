import { dateLine, letterDate } from '../../src/letters/context';
import { blocksText, parseMarkup } from '../../src/letters/markup';
import { LETTER_KINDS, LETTER_LOCALES } from '../../src/models/Letter';
import { useTestApp } from '../support/app';
import { useFixedClock } from '../support/clock';
import { buildComplaint, buildCustomer, signedIn } from '../support/factories';
import { asBytes, pdfText } from '../support/pdf';
import { moveTestCase, recordTestFindings } from '../support/procedure';
import { resetClock } from '../../src/lib/clock';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';

describe('the date line', () => {
  it('is written in the organisation\'s zone, in Vietnamese form or in English', () => {
    // 18:30 UTC on 1 November is already 2 November in Hà Nội.
    const at = new Date('2026-11-01T18:30:00Z');
    expect(dateLine(at, ZONE, 'vi', 'Hà Nội')).toBe('Hà Nội, ngày 02 tháng 11 năm 2026');
    expect(dateLine(at, ZONE, 'en', 'Hanoi')).toBe('Hanoi, 2 November 2026');
    expect(letterDate(new Date('2026-03-05T03:00:00Z'), ZONE, 'vi')).toBe('ngày 05 tháng 03 năm 2026');
    expect(dateLine(at, ZONE, 'vi', '')).toBe('Ngày 02 tháng 11 năm 2026');
  });
});

describe('the letter markup', () => {
  it('reads titles, headings, items, set-apart lines and paragraphs', () => {
    const blocks = parseMarkup('# TIÊU ĐỀ\n\nĐoạn một,\ndòng hai.\n\n## Mục\n- một\n- hai\n> Thời gian: 9:00\n\nĐoạn cuối.\n');
    expect(blocks).toEqual([
      { type: 'title', text: 'TIÊU ĐỀ' },
      { type: 'paragraph', text: 'Đoạn một,\ndòng hai.' },
      { type: 'heading', text: 'Mục' },
      { type: 'item', text: 'một' },
      { type: 'item', text: 'hai' },
      { type: 'quote', text: 'Thời gian: 9:00' },
      { type: 'paragraph', text: 'Đoạn cuối.' },
    ]);
    expect(blocksText(blocks)).toContain('• một');
  });
});

describe('every kind in every language', () => {
  let quality: Awaited<ReturnType<typeof signedIn>>;
  let complaintId: string;
  let reference: string;

  beforeAll(async () => {
    // 10:00 in Hà Nội on 2 November 2026: the letters are dated that day.
    useFixedClock('2026-11-02T03:00:00Z');
    quality = await signedIn(['quality'], { name: 'Phạm Quốc Việt' });
    const admin = await signedIn(['sysadmin']);
    await t.request().put('/api/v1/settings/letterhead').set(admin.auth).send({
      value: { organisationName: 'Công ty TNHH Điện máy Ánh Dương', address: 'Số 8 Láng Hạ, Đống Đa, Hà Nội', phone: '024 3999 1234', email: 'cskh@anhduong.vn', city: 'Hà Nội' },
    });
    const customer = await buildCustomer({ name: 'Lê Thị Ngọc Ánh', address: 'Số 5 ngõ 7 Đội Cấn, Ba Đình, Hà Nội', email: 'anh.le@example.vn' });
    const c = await buildComplaint({ customerId: customer.id, subject: 'Tủ lạnh không đông đá', description: 'Ngăn đá không lạnh sau hai tuần sử dụng.', incidentDate: '2026-10-30' }, quality.user);
    complaintId = c.id;
    reference = c.reference;
    await moveTestCase(c, ['investigation']);
    await recordTestFindings(c.id, { substantiated: false, rootCause: 'Khách hàng đặt nhiệt độ ở mức thấp nhất; thiết bị hoạt động bình thường.' });
  });

  afterAll(() => resetClock());

  const cases = LETTER_KINDS.flatMap((kind) => LETTER_LOCALES.map((locale) => [kind, locale] as const));

  it.each(cases)('%s (%s) renders with the date line, the reference and the customer\'s name', async (kind, locale) => {
    const body = { template: kind, channel: 'post', locale, ...(kind === 'invitation' ? { meeting: { at: '2026-11-05T09:00:00+07:00', place: 'Số 8 Láng Hạ' } } : {}) };
    const res = await asBytes(t.request().post(`/api/v1/complaints/${complaintId}/letters/preview`).set(quality.auth).send(body));
    expect(res.status).toBe(200);
    const text = await pdfText(res);
    expect(text).toContain(locale === 'vi' ? 'Hà Nội, ngày 02 tháng 11 năm 2026' : 'Hanoi, 2 November 2026');
    expect(text).toContain(reference);
    expect(text).toContain('Lê Thị Ngọc Ánh');
    expect(text).toContain('CÔNG TY TNHH ĐIỆN MÁY ÁNH DƯƠNG');
    expect(text).toContain('Phạm Quốc Việt');
    expect(text).toContain(locale === 'vi' ? 'Kính gửi' : 'To:');
    // Nothing of the template's syntax or an empty variable shows.
    expect(text).not.toMatch(/\{\{|\}\}|undefined|\[object Object\]/);
  });

  it('says what each letter is for, in the procedure\'s words', async () => {
    const say = async (template: string, extra: Record<string, unknown> = {}) =>
      (await pdfText(await asBytes(t.request().post(`/api/v1/complaints/${complaintId}/letters/preview`).set(quality.auth).send({ template, channel: 'post', ...extra })))).replace(/\s+/g, ' ');
    expect(await say('receipt')).toContain('PHIẾU TIẾP NHẬN');
    expect(await say('receipt')).toContain('Ngăn đá không lạnh sau hai tuần sử dụng.');
    const invitation = await say('invitation', { meeting: { at: '2026-11-05T09:00:00+07:00', place: 'Số 8 Láng Hạ' } });
    expect(invitation).toContain('GIẤY MỜI');
    expect(invitation).toContain('05/11/2026 09:00');
    const reply = await say('first_reply');
    expect(reply).toContain('THƯ TRẢ LỜI');
    expect(reply).toContain('Khách hàng đặt nhiệt độ ở mức thấp nhất');
    const resolution = await say('resolution');
    expect(resolution).toContain('Những việc đã khắc phục');
    expect(resolution).toContain('Những việc chưa khắc phục');
    expect(await say('second_round')).toContain('khởi kiện ra Tòa án');
    expect(await say('time_barred')).toContain('không quá 90 ngày');
    expect(await say('closure')).toContain('mức độ hài lòng');
  });
});
