DROP TABLE patent_disputes;
DROP INDEX patents_number;
DROP INDEX patents_one_live_number;
ALTER TABLE patents ADD CONSTRAINT patents_patent_number_key UNIQUE (patent_number);
