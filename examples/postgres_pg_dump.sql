--
-- PostgreSQL database dump
--

-- Dumped from database version 16.4
-- Dumped by pg_dump version 16.4

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: ticket_priority; Type: TYPE; Schema: public; Owner: helpdesk
--

CREATE TYPE public.ticket_priority AS ENUM (
    'low',
    'normal',
    'high',
    'urgent'
);


ALTER TYPE public.ticket_priority OWNER TO helpdesk;

--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: public; Owner: helpdesk
--

CREATE FUNCTION public.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now();  -- keep the row's clock; never ';' in data
  RETURN NEW;
END;
$$;


ALTER FUNCTION public.touch_updated_at() OWNER TO helpdesk;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: agents; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.agents (
    id integer NOT NULL,
    email character varying(255) NOT NULL,
    full_name text NOT NULL,
    team character varying(32) NOT NULL,
    hired_on date NOT NULL,
    CONSTRAINT agents_team_check CHECK (((team)::text = ANY ((ARRAY['billing'::character varying, 'technical'::character varying, 'sales'::character varying])::text[])))
);


ALTER TABLE public.agents OWNER TO helpdesk;

--
-- Name: TABLE agents; Type: COMMENT; Schema: public; Owner: helpdesk
--

COMMENT ON TABLE public.agents IS 'Support staff who answer tickets';


--
-- Name: agents_id_seq; Type: SEQUENCE; Schema: public; Owner: helpdesk
--

CREATE SEQUENCE public.agents_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER SEQUENCE public.agents_id_seq OWNER TO helpdesk;

--
-- Name: agents_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: helpdesk
--

ALTER SEQUENCE public.agents_id_seq OWNED BY public.agents.id;


--
-- Name: customers; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.customers (
    id bigint NOT NULL,
    email character varying(255) NOT NULL,
    company text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE public.customers OWNER TO helpdesk;

--
-- Name: COLUMN customers.email; Type: COMMENT; Schema: public; Owner: helpdesk
--

COMMENT ON COLUMN public.customers.email IS 'Where replies are sent';


--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: public; Owner: helpdesk
--

CREATE SEQUENCE public.customers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER SEQUENCE public.customers_id_seq OWNER TO helpdesk;

--
-- Name: customers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: helpdesk
--

ALTER SEQUENCE public.customers_id_seq OWNED BY public.customers.id;

--
-- Name: tickets; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.tickets (
    id bigint NOT NULL,
    customer_id bigint NOT NULL,
    agent_id integer,
    subject character varying(200) NOT NULL,
    priority public.ticket_priority DEFAULT 'normal'::public.ticket_priority NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone,
    reopen_count integer DEFAULT 0 NOT NULL,
    CONSTRAINT tickets_reopen_count_check CHECK ((reopen_count >= 0)),
    CONSTRAINT tickets_subject_check CHECK ((length((subject)::text) > 0))
);


ALTER TABLE public.tickets OWNER TO helpdesk;

--
-- Name: tickets_id_seq; Type: SEQUENCE; Schema: public; Owner: helpdesk
--

CREATE SEQUENCE public.tickets_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER SEQUENCE public.tickets_id_seq OWNER TO helpdesk;

--
-- Name: tickets_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: helpdesk
--

ALTER SEQUENCE public.tickets_id_seq OWNED BY public.tickets.id;


--
-- Name: ticket_messages; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.ticket_messages (
    ticket_id bigint NOT NULL,
    message_no integer NOT NULL,
    author_agent_id integer,
    body text NOT NULL,
    sent_at timestamp with time zone NOT NULL,
    CONSTRAINT ticket_messages_message_no_check CHECK ((message_no > 0))
);


ALTER TABLE public.ticket_messages OWNER TO helpdesk;

--
-- Name: COLUMN ticket_messages.body; Type: COMMENT; Schema: public; Owner: helpdesk
--

COMMENT ON COLUMN public.ticket_messages.body IS 'Message text; markdown allowed';


--
-- Name: ticket_tags; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.ticket_tags (
    ticket_id bigint NOT NULL,
    tag character varying(40) NOT NULL
);


ALTER TABLE public.ticket_tags OWNER TO helpdesk;

--
-- Name: ticket_events; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.ticket_events (
    ticket_id bigint NOT NULL,
    event_no integer NOT NULL,
    kind character varying(20) NOT NULL,
    created_at timestamp with time zone NOT NULL
)
PARTITION BY RANGE (created_at);


ALTER TABLE public.ticket_events OWNER TO helpdesk;

--
-- Name: ticket_events_2025; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.ticket_events_2025 (
    ticket_id bigint NOT NULL,
    event_no integer NOT NULL,
    kind character varying(20) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


ALTER TABLE public.ticket_events_2025 OWNER TO helpdesk;

--
-- Name: ticket_events_default; Type: TABLE; Schema: public; Owner: helpdesk
--

CREATE TABLE public.ticket_events_default (
    ticket_id bigint NOT NULL,
    event_no integer NOT NULL,
    kind character varying(20) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


ALTER TABLE public.ticket_events_default OWNER TO helpdesk;

--
-- Name: ticket_events_2025; Type: TABLE ATTACH; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_events ATTACH PARTITION public.ticket_events_2025 FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');


--
-- Name: ticket_events_default; Type: TABLE ATTACH; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_events ATTACH PARTITION public.ticket_events_default DEFAULT;


--
-- Name: agents id; Type: DEFAULT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.agents ALTER COLUMN id SET DEFAULT nextval('public.agents_id_seq'::regclass);


--
-- Name: customers id; Type: DEFAULT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.customers ALTER COLUMN id SET DEFAULT nextval('public.customers_id_seq'::regclass);


--
-- Name: tickets id; Type: DEFAULT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.tickets ALTER COLUMN id SET DEFAULT nextval('public.tickets_id_seq'::regclass);


--
-- Name: agents agents_email_key; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_email_key UNIQUE (email);


--
-- Name: agents agents_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_pkey PRIMARY KEY (id);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: ticket_messages ticket_messages_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_messages
    ADD CONSTRAINT ticket_messages_pkey PRIMARY KEY (ticket_id, message_no);


--
-- Name: ticket_tags ticket_tags_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_tags
    ADD CONSTRAINT ticket_tags_pkey PRIMARY KEY (ticket_id, tag);


--
-- Name: tickets tickets_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_pkey PRIMARY KEY (id);


--
-- Name: ticket_events ticket_events_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_events
    ADD CONSTRAINT ticket_events_pkey PRIMARY KEY (ticket_id, event_no, created_at);


--
-- Name: ticket_events_2025 ticket_events_2025_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_events_2025
    ADD CONSTRAINT ticket_events_2025_pkey PRIMARY KEY (ticket_id, event_no, created_at);


--
-- Name: ticket_events_default ticket_events_default_pkey; Type: CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_events_default
    ADD CONSTRAINT ticket_events_default_pkey PRIMARY KEY (ticket_id, event_no, created_at);


--
-- Name: tickets_opened_at_idx; Type: INDEX; Schema: public; Owner: helpdesk
--

CREATE INDEX tickets_opened_at_idx ON public.tickets USING btree (opened_at);


--
-- Name: customers_email_lower_idx; Type: INDEX; Schema: public; Owner: helpdesk
--

CREATE UNIQUE INDEX customers_email_lower_idx ON public.customers USING btree (lower((email)::text));


--
-- Name: ticket_events_kind_idx; Type: INDEX; Schema: public; Owner: helpdesk
--

CREATE INDEX ticket_events_kind_idx ON ONLY public.ticket_events USING btree (kind);


--
-- Name: ticket_events_2025_kind_idx; Type: INDEX; Schema: public; Owner: helpdesk
--

CREATE INDEX ticket_events_2025_kind_idx ON public.ticket_events_2025 USING btree (kind);


--
-- Name: ticket_events_default_kind_idx; Type: INDEX; Schema: public; Owner: helpdesk
--

CREATE INDEX ticket_events_default_kind_idx ON public.ticket_events_default USING btree (kind);


--
-- Name: ticket_events_2025_pkey; Type: INDEX ATTACH; Schema: public; Owner: helpdesk
--

ALTER INDEX public.ticket_events_pkey ATTACH PARTITION public.ticket_events_2025_pkey;


--
-- Name: ticket_events_2025_kind_idx; Type: INDEX ATTACH; Schema: public; Owner: helpdesk
--

ALTER INDEX public.ticket_events_kind_idx ATTACH PARTITION public.ticket_events_2025_kind_idx;


--
-- Name: ticket_events_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: helpdesk
--

ALTER INDEX public.ticket_events_pkey ATTACH PARTITION public.ticket_events_default_pkey;


--
-- Name: ticket_events_default_kind_idx; Type: INDEX ATTACH; Schema: public; Owner: helpdesk
--

ALTER INDEX public.ticket_events_kind_idx ATTACH PARTITION public.ticket_events_default_kind_idx;


--
-- Name: tickets tickets_touch; Type: TRIGGER; Schema: public; Owner: helpdesk
--

CREATE TRIGGER tickets_touch BEFORE UPDATE ON public.tickets FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();


--
-- Name: ticket_messages ticket_messages_author_agent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_messages
    ADD CONSTRAINT ticket_messages_author_agent_id_fkey FOREIGN KEY (author_agent_id) REFERENCES public.agents(id);


--
-- Name: ticket_messages ticket_messages_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_messages
    ADD CONSTRAINT ticket_messages_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE;


--
-- Name: ticket_tags ticket_tags_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.ticket_tags
    ADD CONSTRAINT ticket_tags_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE;


--
-- Name: tickets tickets_agent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES public.agents(id);


--
-- Name: tickets tickets_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id);


--
-- Name: ticket_events ticket_events_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: helpdesk
--

ALTER TABLE public.ticket_events
    ADD CONSTRAINT ticket_events_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);


--
-- PostgreSQL database dump complete
--

