-- PostgreSQL numbers events at commit with a deferred trigger (decisions §34). SQLite has
-- one writer at a time and numbers them as they go in: nothing changes here.
SELECT 1;
