-- 025: lists filter on dates by a range (?nextReview=2026-01-01..2026-03-31,
-- either end may be left out): the review date of partners, the dates of
-- campaigns and referrals.
update public.api_fields set filterable = true
 where (collection, name) in (('partners', 'nextReview'), ('campaigns', 'startDate'), ('campaigns', 'endDate'),
                              ('referrals', 'referredDate'), ('referrals', 'convertedDate'));
