-- 99: the migrations' bookkeeping (fcgi/cli.c, `partnerships migrate`): a
-- database built from these files is at the same point as one migrated
-- through the last migration, so every migration is recorded as applied.
-- A new migration adds its name here.

CREATE TABLE public.schema_migrations (
    version text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

insert into public.schema_migrations (version) values
  ('001_core'),
  ('002_partners'),
  ('003_hub'),
  ('004_csv'),
  ('005_remote_user'),
  ('006_partner_names'),
  ('007_campaign_figures'),
  ('008_owner_cover_index'),
  ('009_partner_totals'),
  ('010_review_totals'),
  ('011_search_in_index'),
  ('012_partner_json'),
  ('013_search_text_out_of_indexes'),
  ('014_list_by_revenue'),
  ('015_write_path'),
  ('016_performance_by_revenue'),
  ('017_templates_comment'),
  ('018_partner_races'),
  ('019_sign_in_limits'),
  ('020_long_operations'),
  ('021_schema_drift'),
  ('022_api_declaration'),
  ('023_views'),
  ('024_natural_order'),
  ('025_date_filters'),
  ('026_all_problems'),
  ('027_referral_figures'),
  ('028_invitations'),
  ('029_roi_with_results'),
  ('030_partner_role'),
  ('031_partner_portal'),
  ('032_owner_company_index'),
  ('033_sort_indexes'),
  ('034_search_index'),
  ('035_acting_user_plpgsql'),
  ('036_default_sort_indexes'),
  ('037_search_windows'),
  ('038_oplog_by_actor'),
  ('039_oplog_horizon');
