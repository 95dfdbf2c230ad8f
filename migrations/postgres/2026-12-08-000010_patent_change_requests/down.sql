DROP TABLE patent_change_requests;
