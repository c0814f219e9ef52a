// How values look to the user: labels, money, dates, in the browser's locale.

const locale = undefined;   // the browser's
const currency = document.querySelector('meta[name="partnerships-currency"]')?.content || 'USD';

const moneyFormat = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
const moneyShort = new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 });
const numberFormat = new Intl.NumberFormat(locale);
const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

// Words the playbook spells its own way; everything else is derived from the
// field or value name (camelCase or snake_case → "Sentence case").
const WORDS = {
  co_marketing: 'Co-Marketing',
  integration: 'Development / Integration',
  referral: 'Referral / Intros',
  customer_sharing: 'Customer Sharing',
  channel_reseller: 'Channel / Reseller',
  ecosystem_alliance: 'Ecosystem / Alliance',
  one_way_sync: 'One-way sync',
  at_risk: 'At risk',
  apiVersion: 'API version',
  roi: 'ROI',
  partnerId: 'Partner',
  campaignId: 'Campaign',
  integrationId: 'Integration',
  ownerUserId: 'Owner',
  templateKey: 'Template',
  customerRequestCount: 'Customer requests',
  referralsMade: 'Referrals made (inbound)',
  referralsReceived: 'Referrals received (outbound)',
  leadOptIn: 'Lead opted in',
  partnerOptIn: 'Partner opted in',
  errorRate: 'Error rate (%)',
  contactEmail: 'Contact email',
  agreementUrl: 'Agreement URL',
};

export function label(name) {
  if (name === null || name === undefined) return '';
  if (WORDS[name]) return WORDS[name];
  const words = String(name).replace(/[_-]/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const moneyWhole = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });

// Whole amounts without cents ($54,000), others with them ($3.20).
export function money(value) {
  if (value === null || value === undefined) return '';
  const n = Number(value);
  return (Number.isInteger(n) ? moneyWhole : moneyFormat).format(n);
}

export function moneyCompact(value) {
  return value === null || value === undefined ? '' : moneyShort.format(Number(value));
}

export function number(value) {
  return value === null || value === undefined ? '' : numberFormat.format(Number(value));
}

export function percent(ratio) {
  return ratio === null || ratio === undefined ? '' : percentFormat.format(Number(ratio));
}

// "YYYY-MM-DD" is a calendar day: shown as that day wherever the user is.
export function date(value) {
  if (!value) return '';
  const [y, m, d] = value.split('-').map(Number);
  return dateFormat.format(new Date(y, m - 1, d));
}

export function timestamp(value) {
  return value ? timeFormat.format(new Date(value)) : '';
}
