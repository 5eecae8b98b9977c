create or replace database RETAIL_DB;

create or replace schema SALES;

create or replace sequence ORDER_ID_SEQ start with 1000 increment by 1 order;
create or replace TABLE CUSTOMERS (
	CUSTOMER_ID NUMBER(38,0) NOT NULL autoincrement start 1 increment 1 noorder COMMENT 'Surrogate key of the customer',
	EMAIL VARCHAR(16777216) NOT NULL COLLATE 'en-ci' COMMENT 'Login e-mail, unique',
	FIRST_NAME VARCHAR(16777216),
	LAST_NAME VARCHAR(16777216),
	COUNTRY_CODE VARCHAR(2) NOT NULL,
	CREATED_AT TIMESTAMP_NTZ(9) NOT NULL,
	IS_ACTIVE BOOLEAN NOT NULL DEFAULT TRUE,
	unique (EMAIL),
	primary key (CUSTOMER_ID)
)COMMENT='One row per registered customer'
;
create or replace TABLE PRODUCTS (
	PRODUCT_ID NUMBER(38,0) NOT NULL,
	SKU VARCHAR(32) NOT NULL,
	PRODUCT_NAME VARCHAR(16777216) NOT NULL,
	CATEGORY VARCHAR(16777216),
	LIST_PRICE NUMBER(12,2) NOT NULL,
	constraint PK_PRODUCTS primary key (PRODUCT_ID),
	constraint UQ_PRODUCTS_SKU unique (SKU)
);
create or replace TABLE ORDERS cluster by (ORDER_DATE)(
	ORDER_ID NUMBER(38,0) NOT NULL DEFAULT RETAIL_DB.SALES.ORDER_ID_SEQ.NEXTVAL,
	CUSTOMER_ID NUMBER(38,0) NOT NULL,
	ORDER_DATE DATE NOT NULL,
	ORDER_TS TIMESTAMP_NTZ(9) NOT NULL,
	STATUS VARCHAR(16777216) NOT NULL COMMENT 'placed, shipped, delivered or returned',
	TOTAL_AMOUNT NUMBER(14,2),
	primary key (ORDER_ID),
	foreign key (CUSTOMER_ID) references RETAIL_DB.SALES.CUSTOMERS(CUSTOMER_ID)
)DATA_RETENTION_TIME_IN_DAYS=7
COMMENT='Order headers'
;
create or replace TABLE ORDER_LINES cluster by (ORDER_ID)(
	ORDER_ID NUMBER(38,0) NOT NULL,
	LINE_NUMBER NUMBER(38,0) NOT NULL,
	PRODUCT_ID NUMBER(38,0) NOT NULL,
	QUANTITY NUMBER(38,0) NOT NULL,
	UNIT_PRICE NUMBER(12,2) NOT NULL,
	constraint PK_ORDER_LINES primary key (ORDER_ID, LINE_NUMBER),
	constraint FK_ORDER_LINES_ORDER foreign key (ORDER_ID) references RETAIL_DB.SALES.ORDERS(ORDER_ID),
	constraint FK_ORDER_LINES_PRODUCT foreign key (PRODUCT_ID) references RETAIL_DB.SALES.PRODUCTS(PRODUCT_ID)
);
create or replace TABLE PAYMENTS (
	PAYMENT_ID VARCHAR(36) NOT NULL primary key,
	ORDER_ID NUMBER(38,0) NOT NULL,
	PAID_AT TIMESTAMP_NTZ(9),
	AMOUNT NUMBER(14,2) NOT NULL,
	METHOD VARCHAR(16777216) COLLATE 'en-ci',
	foreign key (ORDER_ID) references RETAIL_DB.SALES.ORDERS(ORDER_ID)
);
create or replace TRANSIENT TABLE STG_WEB_EVENTS cluster by (EVENT_DATE)(
	EVENT_ID NUMBER(38,0) NOT NULL,
	CUSTOMER_ID NUMBER(38,0),
	EVENT_DATE DATE NOT NULL,
	EVENT_TS TIMESTAMP_NTZ(9) NOT NULL,
	EVENT_TYPE VARCHAR(16777216),
	PAYLOAD VARIANT,
	primary key (EVENT_ID),
	foreign key (CUSTOMER_ID) references RETAIL_DB.SALES.CUSTOMERS(CUSTOMER_ID)
)DATA_RETENTION_TIME_IN_DAYS=0
COMMENT='Raw click-stream, reloaded daily'
;
COMMENT ON COLUMN STG_WEB_EVENTS.EVENT_TYPE IS 'page_view, add_to_cart or checkout';
create or replace view DAILY_REVENUE(
	ORDER_DATE,
	REVENUE
) as
select ORDER_DATE, sum(TOTAL_AMOUNT) as REVENUE
from RETAIL_DB.SALES.ORDERS
group by ORDER_DATE;
create or replace file format CSV_GZ
	type = csv
	field_delimiter = ';'
	skip_header = 1
	compression = gzip
;
create or replace stage LANDING
	url = 's3://retail-landing/events/'
	file_format = CSV_GZ
;
create or replace stream ORDERS_CHANGES on table ORDERS;
create or replace task REFRESH_EVENTS
	warehouse=TRANSFORM_WH
	schedule='60 MINUTE'
	as insert into RETAIL_DB.SALES.STG_WEB_EVENTS select * from RETAIL_DB.SALES.STG_WEB_EVENTS where 1 = 0;
create or replace tag PII allowed_values 'email', 'name' comment='personal data';
CREATE OR REPLACE PROCEDURE "ARCHIVE_ORDERS"("BEFORE_DATE" DATE)
RETURNS VARCHAR(16777216)
LANGUAGE JAVASCRIPT
EXECUTE AS OWNER
AS $$
var sql = "delete from ORDERS where ORDER_DATE < ?; -- archived first";
var stmt = snowflake.createStatement({sqlText: sql, binds: [BEFORE_DATE]});
stmt.execute();
return 'archived; done';
$$;
CREATE OR REPLACE PROCEDURE "PURGE_EVENTS"("KEEP_DAYS" NUMBER(38,0))
RETURNS VARCHAR(16777216)
LANGUAGE SQL
EXECUTE AS OWNER
AS '
BEGIN
  DELETE FROM STG_WEB_EVENTS WHERE EVENT_DATE < DATEADD(day, -:KEEP_DAYS, CURRENT_DATE());
  RETURN ''purged; see STG_WEB_EVENTS'';
END;
';
CREATE OR REPLACE PROCEDURE "CLOSE_DAY"()
RETURNS VARCHAR(16777216)
LANGUAGE SQL
EXECUTE AS CALLER
AS $$
BEGIN
  UPDATE ORDERS SET STATUS = 'delivered' WHERE STATUS = 'shipped;late';
  RETURN 'ok';
END;
$$;
