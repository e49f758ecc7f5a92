-- Up Migration
-- Full statistics of a result (lib/statistics: drawdowns, Sharpe/Sortino/Calmar on session-date
-- returns, PSR, breakdowns, monthly table, bootstrap and Monte-Carlo figures), as computed by the
-- worker when it stores the result. NULL for results stored before statistics existed.
ALTER TABLE run_results ADD COLUMN statistics jsonb;

-- Down Migration
ALTER TABLE run_results DROP COLUMN statistics;
