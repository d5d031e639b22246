-- copy_fx_import.sql: the COPY that fills fx_import (no parameters; data
-- follows as CSV rows rate_date,currency,per_eur,line).
COPY fx_import (rate_date, currency, per_eur, line) FROM STDIN (FORMAT csv);
