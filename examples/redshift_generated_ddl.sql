--DROP TABLE ops.warehouses;
CREATE TABLE IF NOT EXISTS ops.warehouses
(
	warehouse_id INTEGER NOT NULL  ENCODE az64
	,warehouse_code VARCHAR(8) NOT NULL  ENCODE lzo
	,city VARCHAR(64)   ENCODE lzo
	,opened_on DATE   ENCODE az64
	,PRIMARY KEY (warehouse_id)
	,UNIQUE (warehouse_code)
)
DISTSTYLE ALL
 SORTKEY (
	warehouse_id
	)
;
ALTER TABLE ops.warehouses owner to etl_owner;
COMMENT ON table ops.warehouses IS 'Physical warehouses';
--DROP TABLE ops.suppliers;
CREATE TABLE IF NOT EXISTS ops.suppliers
(
	supplier_id INTEGER NOT NULL  ENCODE az64
	,supplier_name VARCHAR(256) NOT NULL  ENCODE lzo
	,country_code CHAR(2)   ENCODE lzo
	,PRIMARY KEY (supplier_id)
)
DISTSTYLE ALL
;
ALTER TABLE ops.suppliers owner to etl_owner;
--DROP TABLE ops.items;
CREATE TABLE IF NOT EXISTS ops.items
(
	item_id BIGINT NOT NULL DEFAULT "identity"(412345, 0, '1,1'::text) ENCODE az64
	,supplier_id INTEGER NOT NULL  ENCODE az64
	,sku VARCHAR(32) NOT NULL  ENCODE lzo
	,description VARCHAR(512)   ENCODE lzo
	,unit_cost NUMERIC(12,2)   ENCODE az64
	,PRIMARY KEY (item_id)
)
DISTSTYLE KEY
 DISTKEY (item_id)
 SORTKEY (
	item_id
	)
;
ALTER TABLE ops.items owner to etl_owner;
COMMENT ON column ops.items.sku IS 'Stock keeping unit, as printed on the label';
--DROP TABLE ops.stock_levels;
CREATE TABLE IF NOT EXISTS ops.stock_levels
(
	warehouse_id INTEGER NOT NULL  ENCODE az64
	,item_id BIGINT NOT NULL  ENCODE az64
	,on_hand INTEGER NOT NULL  ENCODE az64
	,updated_at TIMESTAMP WITHOUT TIME ZONE   ENCODE az64
	,PRIMARY KEY (warehouse_id, item_id)
)
DISTSTYLE KEY
 DISTKEY (item_id)
 SORTKEY (
	warehouse_id
	, item_id
	)
;
ALTER TABLE ops.stock_levels owner to etl_owner;
--DROP TABLE ops.shipments;
CREATE TABLE IF NOT EXISTS ops.shipments
(
	shipment_id BIGINT NOT NULL  ENCODE az64
	,warehouse_id INTEGER NOT NULL  ENCODE az64
	,shipped_at TIMESTAMP WITHOUT TIME ZONE NOT NULL  ENCODE az64
	,carrier VARCHAR(32)   ENCODE lzo
	,status VARCHAR(16) NOT NULL  ENCODE lzo
	,PRIMARY KEY (shipment_id)
)
DISTSTYLE KEY
 DISTKEY (shipment_id)
 SORTKEY (
	shipped_at
	)
;
ALTER TABLE ops.shipments owner to etl_owner;
--DROP TABLE ops.shipment_lines;
CREATE TABLE IF NOT EXISTS ops.shipment_lines
(
	shipment_id BIGINT NOT NULL  ENCODE az64
	,line_no SMALLINT NOT NULL  ENCODE az64
	,item_id BIGINT NOT NULL  ENCODE az64
	,quantity INTEGER NOT NULL  ENCODE az64
	,PRIMARY KEY (shipment_id, line_no)
)
DISTSTYLE KEY
 DISTKEY (shipment_id)
 SORTKEY (
	shipment_id
	)
;
ALTER TABLE ops.shipment_lines owner to etl_owner;

--ADD FOREIGN KEYS
ALTER TABLE ops.items ADD CONSTRAINT items_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES ops.suppliers(supplier_id);
ALTER TABLE ops.stock_levels ADD CONSTRAINT stock_levels_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES ops.warehouses(warehouse_id);
ALTER TABLE ops.stock_levels ADD CONSTRAINT stock_levels_item_id_fkey FOREIGN KEY (item_id) REFERENCES ops.items(item_id);
ALTER TABLE ops.shipments ADD CONSTRAINT shipments_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES ops.warehouses(warehouse_id);
ALTER TABLE ops.shipment_lines ADD CONSTRAINT shipment_lines_shipment_id_fkey FOREIGN KEY (shipment_id) REFERENCES ops.shipments(shipment_id);
ALTER TABLE ops.shipment_lines ADD CONSTRAINT shipment_lines_item_id_fkey FOREIGN KEY (item_id) REFERENCES ops.items(item_id);
