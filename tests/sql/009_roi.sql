-- A partner's ROI counts the campaigns that have results (sql/029): one
-- still in planning is not a -100% loss beside the revenue the partner
-- brought; a completed one is counted even without revenue; revenue
-- recorded on a running one counts; the kept figures equal a recount.
\set ON_ERROR_STOP 1
begin;
select plan(5);

insert into public.users (id, email, name, role) values ('roi_ann', 'ann@roi.test', 'Ann', 'member');
set local role partnerships_app;
select set_config('partnerships.user_id', 'roi_ann', true) \g /dev/null
insert into public.partners (company, contact_name, contact_email, type)
values ('ROI Co', 'A', 'a@roi.test', 'co_marketing') returning id as p \gset
insert into public.shared_customers (partner_id, customer, joint_revenue) values (:'p', 'Big customer', 54000);
insert into public.campaigns (partner_id, name, type, status, budget) values (:'p', 'Planned', 'webinar', 'planning', 12000)
returning id as planned \gset
select is((select roi from public.partner_performance where id = :'p'), null,
          'a campaign still in planning does not make the ROI -100%');
insert into public.campaigns (partner_id, name, type, status, budget, revenue)
values (:'p', 'Running', 'webinar', 'promoting', 1000, 3000);
select is((select roi from public.partner_performance where id = :'p'), 2.0000,
          'revenue recorded on a running campaign counts: (3,000 - 1,000) / 1,000');
update public.campaigns set status = 'completed' where id = :'planned';
select is((select roi from public.partner_performance where id = :'p'), -0.7692,
          'once completed, the campaign counts, results or not: (3,000 - 13,000) / 13,000');
select is((select revenue from public.partner_performance where id = :'p'), 57000.00,
          'revenue attributed counts every campaign as before');
select ok((select (r.campaign_budget, r.campaign_budgeted_revenue) = (p.campaign_budget, p.campaign_budgeted_revenue)
             from public.partners p, public.partner_figures_recount(p.id) r where p.id = :'p'),
          'the kept ROI terms equal a recount');
reset role;

select * from finish();
rollback;
