// Currencies as Stripe uses them: amounts are always integers in the currency's minor unit.
// Zero-decimal currencies follow Stripe's list (https://docs.stripe.com/currencies#zero-decimal);
// three-decimal ones follow ISO 4217; every other active ISO 4217 code has two.

const ZERO_DECIMAL = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);

const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Active ISO 4217 codes. A code outside this list is a compile error in a policy. */
const ISO_4217 = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
    'GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT ' +
    'LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR ' +
    'NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD ' +
    'SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD ' +
    'XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

/** Currency symbols the language accepts in money literals. `¥` is yen; yuan is written `CNY`. */
export const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };

const SYMBOL_OF: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

export function isKnownCurrency(code: string): boolean {
  return ISO_4217.has(code.toUpperCase());
}

export function knownCurrencies(): readonly string[] {
  return [...ISO_4217];
}

/** Digits after the decimal point in the currency's major unit (JPY 0, USD 2, KWD 3). */
export function minorUnits(code: string): number {
  const upper = code.toUpperCase();
  if (ZERO_DECIMAL.has(upper)) return 0;
  if (THREE_DECIMAL.has(upper)) return 3;
  return 2;
}

/** Renders minor units for people: `$1,500.50`, `€90.00`, `¥5,000`, `1.250 KWD`. */
export function formatMoney(minor: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits = minorUnits(code);
  const negative = minor < 0;
  const abs = Math.abs(minor);
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale);
  const fraction = abs - whole * scale;
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const number = digits === 0 ? grouped : `${grouped}.${String(fraction).padStart(digits, '0')}`;
  const symbol = SYMBOL_OF[code];
  const text = symbol === undefined ? `${number} ${code}` : `${symbol}${number}`;
  return negative ? `-${text}` : text;
}
