-- 030: the role of a partner's contact, who uses the partner portal (031).
-- On its own: a new enumeration value can be used only once the
-- transaction that added it has committed.

alter type public.user_role add value if not exists 'partner';
