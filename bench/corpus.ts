import type { Category, Channel, CustomerType, Harm, Kind, Severity, Tier } from '../src/domain/entries';

/** Deterministic pseudo-random numbers (mulberry32), so a seed is the same every time. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export function weighted<T>(r: Rand, table: ReadonlyArray<readonly [T, number]>): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1][0];
}

/** Products with the defects customers report about them. The last one is rare (the "rarer term" of the search benchmark). */
export const PRODUCTS: ReadonlyArray<readonly [name: string, code: string, weight: number]> = [
  ['Máy lọc nước', 'MLN', 12],
  ['Nồi cơm điện', 'NCD', 10],
  ['Tủ lạnh', 'TL', 9],
  ['Máy giặt', 'MG', 9],
  ['Điều hòa', 'DH', 8],
  ['Bình nóng lạnh', 'BNL', 7],
  ['Quạt điện', 'QD', 7],
  ['Lò vi sóng', 'LVS', 6],
  ['Bếp từ', 'BT', 6],
  ['Máy hút bụi', 'MHB', 5],
  ['Ấm siêu tốc', 'AST', 5],
  ['Máy xay sinh tố', 'MXST', 4],
  ['Nồi chiên không dầu', 'NCKD', 4],
  ['Máy sấy tóc', 'MST', 3],
  ['Bàn là hơi nước', 'BLHN', 3],
  ['Máy làm đá viên', 'MLDV', 0.02],
];

export const RARE_TERM = 'máy làm đá viên';

const DEFECTS = [
  'rò rỉ',
  'rò rỉ nước',
  'không hoạt động',
  'hỏng sau 3 ngày sử dụng',
  'kêu to bất thường',
  'bị nứt vỏ',
  'không lên nguồn',
  'có mùi khét',
  'bị chập điện',
  'thiếu phụ kiện',
  'trầy xước khi nhận hàng',
  'nóng bất thường',
  'báo lỗi liên tục',
  'không đúng mẫu đã đặt',
];

const SERVICE_ISSUES = [
  'Giao hàng chậm',
  'Hóa đơn sai',
  'Hóa đơn sai số tiền',
  'Nhân viên thái độ không tốt',
  'Bảo hành chậm trễ',
  'Hoàn tiền chưa nhận được',
  'Tổng đài không phản hồi',
  'Lắp đặt sai hẹn',
  'Giao nhầm sản phẩm',
  'Tính phí vận chuyển sai',
  'Khuyến mãi không được áp dụng',
  'Kỹ thuật viên đến muộn',
];

const FEEDBACK = [
  'Góp ý về thời gian giao hàng',
  'Khen nhân viên lắp đặt nhiệt tình',
  'Đề nghị bổ sung hướng dẫn sử dụng tiếng Việt',
  'Góp ý về bao bì sản phẩm',
  'Hỏi về chính sách đổi trả',
  'Đề xuất mở thêm điểm bảo hành',
];

export const PLACES = [
  'Hà Nội',
  'TP. Hồ Chí Minh',
  'Đà Nẵng',
  'Hải Phòng',
  'Cần Thơ',
  'Huế',
  'Nha Trang',
  'Biên Hòa',
  'Vũng Tàu',
  'Quy Nhơn',
  'Buôn Ma Thuột',
  'Thái Nguyên',
  'Nam Định',
  'Vinh',
  'Hạ Long',
  'Đà Lạt',
  'Long Xuyên',
  'Bắc Ninh',
  'Thủ Dầu Một',
  'Rạch Giá',
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thu', 'Ngọc', 'Quốc', 'Thanh', 'Hoài', 'Gia', 'Bảo'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hùng', 'Khánh', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Phong', 'Phúc', 'Quân', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Uyên', 'Vy', 'Yến'];
const COMPANY_FORMS = ['Công ty TNHH', 'Công ty Cổ phần', 'Doanh nghiệp tư nhân', 'Hợp tác xã'];
const COMPANY_WORDS = ['Thương mại', 'Dịch vụ', 'Điện máy', 'Xây dựng', 'Kỹ thuật', 'Gia dụng', 'Phát triển', 'Sao Mai', 'Hòa Bình', 'Phương Nam', 'Đông Á', 'Hưng Thịnh', 'Minh Long', 'An Phát'];

export interface CustomerSample {
  name: string;
  type: CustomerType;
  email: string | null;
  phone: string | null;
  address: string | null;
  tier: Tier;
}

const TIER_WEIGHTS: ReadonlyArray<readonly [Tier, number]> = [
  ['new', 40],
  ['loyal', 25],
  ['potential', 12],
  ['vip', 5],
  ['agent_1', 3],
  ['agent_2', 3],
  ['agent_3', 3],
  ['agent_4', 3],
  ['negative', 6],
];

export function sampleCustomer(r: Rand, i: number): CustomerSample {
  const type: CustomerType = r() < 0.7 ? 'person' : 'company';
  const name =
    type === 'person'
      ? `${pick(r, FAMILY)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`
      : `${pick(r, COMPANY_FORMS)} ${pick(r, COMPANY_WORDS)} ${pick(r, COMPANY_WORDS)} ${pick(r, PLACES)}`;
  return {
    name,
    type,
    email: r() < 0.6 ? `khach${i}@example.vn` : null,
    phone: r() < 0.9 ? `09${String(Math.floor(r() * 1e8)).padStart(8, '0')}` : null,
    address: r() < 0.8 ? `${1 + Math.floor(r() * 300)} đường số ${1 + Math.floor(r() * 40)}, ${pick(r, PLACES)}` : null,
    tier: weighted(r, TIER_WEIGHTS),
  };
}

export interface EntrySample {
  kind: Kind;
  channel: Channel;
  category: Category;
  subject: string;
  description: string;
  severity: Severity;
  harm: Harm;
  safetyImpact: boolean;
  brandImpact: boolean;
  productRef: string | null;
  lotRef: string | null;
  supplierRef: string | null;
  /** Days between the incident and receipt (a few are beyond the filing window: time-barred). */
  incidentDaysBefore: number;
}

const CHANNEL_WEIGHTS: ReadonlyArray<readonly [Channel, number]> = [
  ['hotline', 35],
  ['email', 20],
  ['web', 15],
  ['livechat', 10],
  ['in_person', 8],
  ['social', 6],
  ['letter', 4],
  ['other', 2],
];
const SEVERITY_WEIGHTS: ReadonlyArray<readonly [Severity, number]> = [
  ['low', 35],
  ['medium', 40],
  ['high', 20],
  ['critical', 5],
];
const HARM_WEIGHTS: ReadonlyArray<readonly [Harm, number]> = [
  ['none', 97],
  ['minor', 2.6],
  ['serious_injury', 0.35],
  ['death', 0.05],
];
const PRODUCT_WEIGHTS = PRODUCTS.map((p, i) => [i, p[2]] as const);

/** One entry as an intake officer would type it: varied Vietnamese subjects, products, places. */
export function sampleEntry(r: Rand, kind: Kind = r() < 0.75 ? 'complaint' : 'feedback'): EntrySample {
  const place = pick(r, PLACES);
  const order = `DH${String(Math.floor(r() * 1e7)).padStart(7, '0')}`;
  let subject: string;
  let description: string;
  let category: Category;
  let productRef: string | null = null;
  let lotRef: string | null = null;
  if (kind === 'feedback') {
    subject = pick(r, FEEDBACK);
    description = `Khách hàng tại ${place} ${subject.charAt(0).toLowerCase()}${subject.slice(1)}, đơn hàng ${order}.`;
    category = r() < 0.5 ? 'service_quality' : 'business';
  } else if (r() < 0.62) {
    const [name, code] = PRODUCTS[weighted(r, PRODUCT_WEIGHTS)];
    const defect = pick(r, DEFECTS);
    subject = r() < 0.3 ? `${name} ${defect} tại ${place}` : `${name} ${defect}`;
    productRef = `${code}-${100 + Math.floor(r() * 60)}`;
    lotRef = r() < 0.7 ? `LO${String(Math.floor(r() * 1e5)).padStart(5, '0')}` : null;
    description = `Khách hàng phản ánh ${name.toLowerCase()} (mã ${productRef}) ${defect} sau khi mua tại cửa hàng ${place}. Đơn hàng ${order}. Đề nghị kiểm tra và xử lý.`;
    category = 'service_quality';
  } else {
    const issue = pick(r, SERVICE_ISSUES);
    subject = r() < 0.4 ? `${issue} tại ${place}` : `${issue} đơn ${order}`;
    description = `${issue} đối với đơn hàng ${order} giao tại ${place}. Khách hàng yêu cầu phản hồi sớm.`;
    category = r() < 0.55 ? 'business' : 'service_quality';
  }
  const harm = kind === 'complaint' && productRef ? weighted(r, HARM_WEIGHTS) : 'none';
  const late = r() < 0.03;
  return {
    kind,
    channel: weighted(r, CHANNEL_WEIGHTS),
    category,
    subject,
    description,
    severity: weighted(r, SEVERITY_WEIGHTS),
    harm,
    safetyImpact: harm !== 'none' || r() < 0.01,
    brandImpact: r() < 0.03,
    productRef,
    lotRef,
    supplierRef: productRef && r() < 0.3 ? `NCC-${1 + Math.floor(r() * 40)}` : null,
    incidentDaysBefore: late ? 31 + Math.floor(r() * 120) : Math.floor(r() * r() * 14),
  };
}
