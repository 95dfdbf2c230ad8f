DROP TABLE bank_loan_quality;
