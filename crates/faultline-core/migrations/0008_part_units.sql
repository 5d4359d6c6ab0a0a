-- A part's unit of measure (ea, m, kg, …; validate::UNITS). Rows from before units read as 'ea'.
ALTER TABLE parts_used ADD COLUMN unit TEXT;
