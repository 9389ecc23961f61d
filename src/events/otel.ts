/**
 * `post_call_transcription_otel`: the post-call transcript as an OpenTelemetry trace, sent instead
 * of `post_call_transcription` when the webhook's `transcript_format` is `opentelemetry`.
 *
 * Where the trace sits: ElevenLabs' example delivery puts it in `data.otlp_traces` (an OTLP JSON
 * `TracesData`, `{ "resourceSpans": [...] }`), beside `data.conversation_id` and `data.agent_id`
 * (https://elevenlabs.io/docs/eleven-agents/customization/opentelemetry-traces, "Webhook payload";
 * the same page's GET Conversation with `format=opentelemetry` returns "the same `otlp_traces`
 * object", which the JS SDK 2.73 types as `otlp_traces?: Record<string, unknown> | null` on
 * GetConversationResponseModel). The page also says: one trace per delivery, a root span
 * `elevenlabs.conversation` with children `elevenlabs.recv.user_transcript`,
 * `elevenlabs.recv.agent_response` and `elevenlabs.tool.{name}`; `elevenlabs.*` attribute names;
 * the resource carries `service.name` and `elevenlabs.conversation_id`; long tool parameters and
 * results are truncated at 4 KB per span attribute.
 *
 * The OTLP part follows the OTLP JSON encoding of opentelemetry-proto's trace.proto
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase field names,
 * trace and span IDs as hex strings, enums as integers, 64-bit integers as decimal strings (some
 * encoders send numbers, and the spec's own examples/trace.json does: both pass). Nothing in it is
 * required: ElevenLabs documents the layout, not which fields each span fills.
 */
import { Type, type Static, type TString, type TNumber, type TUnion } from '@sinclair/typebox'
import { LooseObject, Nullable } from './common.js'

/** A 64-bit integer of OTLP JSON: a decimal string, or a number from encoders that send one. */
function Int64 (description: string): TUnion<[TString, TNumber]> {
  return Type.Union([Type.String({ pattern: '^-?[0-9]+$' }), Type.Number()], { description })
}

/** An enum of OTLP JSON: an integer per the spec; the value's name from proto3 JSON encoders. */
function OtlpEnum (description: string): TUnion<[TNumber, TString]> {
  return Type.Union([Type.Number(), Type.String()], { description })
}

/** An attribute value: one of the `*Value` fields. */
export const OtlpAnyValue = Type.Object({
  stringValue: Type.Optional(Type.String({ description: 'A string' })),
  boolValue: Type.Optional(Type.Boolean({ description: 'A boolean' })),
  intValue: Type.Optional(Int64('A 64-bit integer')),
  doubleValue: Type.Optional(Type.Union([
    Type.Number(),
    Type.Union([Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity')])
  ], { description: 'A double (proto3 JSON spells NaN and the infinities as strings)' })),
  // Nested values are not walked: arrays and maps of values nest without bound.
  arrayValue: Type.Optional(LooseObject({ description: 'An array: `{ values: AnyValue[] }`' })),
  kvlistValue: Type.Optional(LooseObject({ description: 'A map: `{ values: KeyValue[] }`' })),
  bytesValue: Type.Optional(Type.String({ description: 'Bytes, base64-encoded', contentEncoding: 'base64' }))
}, { title: 'OTLP AnyValue', description: 'An attribute value (opentelemetry.proto.common.v1.AnyValue)' })

/** One attribute. */
export const OtlpKeyValue = Type.Object({
  key: Type.Optional(Type.String({ description: 'Attribute name, e.g. "elevenlabs.conversation_id"' })),
  value: Type.Optional(OtlpAnyValue)
}, { title: 'OTLP KeyValue', description: 'An attribute (opentelemetry.proto.common.v1.KeyValue)' })

const Attributes = {
  attributes: Type.Optional(Type.Array(OtlpKeyValue, { description: 'Attributes' })),
  droppedAttributesCount: Type.Optional(Type.Number({ description: 'Attributes dropped by limits' }))
}

const SpanIds = {
  traceId: Type.Optional(Type.String({ description: 'Trace ID, 32 hex characters: the same for every surface of one conversation' })),
  spanId: Type.Optional(Type.String({ description: 'Span ID, 16 hex characters' })),
  traceState: Type.Optional(Type.String({ description: 'W3C trace state' }))
}

/** Something that happened at a point in time during a span. */
export const OtlpSpanEvent = Type.Object({
  timeUnixNano: Type.Optional(Int64('When, in unix nanoseconds')),
  name: Type.Optional(Type.String({ description: 'Event name' })),
  ...Attributes
}, { title: 'OTLP span event', description: 'A span event (opentelemetry.proto.trace.v1.Span.Event)' })

/** A link from a span to another span. */
export const OtlpSpanLink = Type.Object({
  ...SpanIds,
  ...Attributes,
  flags: Type.Optional(Type.Number({ description: 'W3C trace flags' }))
}, { title: 'OTLP span link', description: 'A link to another span (opentelemetry.proto.trace.v1.Span.Link)' })

/** One span: a transcript turn, a tool call, or the conversation itself. */
export const OtlpSpan = Type.Object({
  ...SpanIds,
  parentSpanId: Type.Optional(Type.String({ description: 'Parent span ID; absent or empty on the root span' })),
  flags: Type.Optional(Type.Number({ description: 'W3C trace flags' })),
  name: Type.Optional(Type.String({
    description: 'Span name; documented: elevenlabs.conversation (root), elevenlabs.recv.user_transcript, elevenlabs.recv.agent_response, elevenlabs.tool.{name}'
  })),
  kind: Type.Optional(OtlpEnum('Span kind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer')),
  startTimeUnixNano: Type.Optional(Int64('Start, in unix nanoseconds')),
  endTimeUnixNano: Type.Optional(Int64('End, in unix nanoseconds')),
  ...Attributes,
  events: Type.Optional(Type.Array(OtlpSpanEvent, { description: 'Span events' })),
  droppedEventsCount: Type.Optional(Type.Number({ description: 'Events dropped by limits' })),
  links: Type.Optional(Type.Array(OtlpSpanLink, { description: 'Links to other spans' })),
  droppedLinksCount: Type.Optional(Type.Number({ description: 'Links dropped by limits' })),
  status: Type.Optional(Type.Object({
    message: Type.Optional(Type.String({ description: 'Status message' })),
    code: Type.Optional(OtlpEnum('0 unset, 1 ok, 2 error (the root span is ERROR when the call did not end with a normal client disconnect)'))
  }, { title: 'OTLP status', description: 'Span status (opentelemetry.proto.trace.v1.Status)' }))
}, { title: 'OTLP span', description: 'A span (opentelemetry.proto.trace.v1.Span)' })

/** Spans of one instrumentation scope. */
export const OtlpScopeSpans = Type.Object({
  scope: Type.Optional(Type.Object({
    name: Type.Optional(Type.String({ description: 'Scope name; documented: elevenlabs.convai' })),
    version: Type.Optional(Type.String({ description: 'Scope version' })),
    ...Attributes
  }, { title: 'OTLP instrumentation scope', description: 'What produced the spans (opentelemetry.proto.common.v1.InstrumentationScope)' })),
  spans: Type.Optional(Type.Array(OtlpSpan, { description: 'The spans' })),
  schemaUrl: Type.Optional(Type.String({ description: 'Semantic conventions schema URL' }))
}, { title: 'OTLP scope spans', description: 'Spans of one scope (opentelemetry.proto.trace.v1.ScopeSpans)' })

/** Spans of one resource. */
export const OtlpResourceSpans = Type.Object({
  resource: Type.Optional(Type.Object(Attributes, {
    title: 'OTLP resource',
    description: 'What the spans describe; documented attributes: service.name (elevenlabs-convai), elevenlabs.conversation_id (opentelemetry.proto.resource.v1.Resource)'
  })),
  scopeSpans: Type.Optional(Type.Array(OtlpScopeSpans, { description: 'Spans by instrumentation scope' })),
  schemaUrl: Type.Optional(Type.String({ description: 'Semantic conventions schema URL' }))
}, { title: 'OTLP resource spans', description: 'Spans of one resource (opentelemetry.proto.trace.v1.ResourceSpans)' })

/** An OTLP JSON trace document. */
export const OtlpTraces = Type.Object({
  resourceSpans: Type.Optional(Type.Array(OtlpResourceSpans, { description: 'Spans by resource' }))
}, { title: 'OTLP traces', description: 'An OpenTelemetry trace in OTLP JSON (opentelemetry.proto.trace.v1.TracesData)' })
export type OtlpTraces = Static<typeof OtlpTraces>

/** `data` of a `post_call_transcription_otel` event. */
export const PostCallTranscriptionOtelData = Type.Object({
  agent_id: Type.String({ description: 'The ID of the agent that handled the call' }),
  conversation_id: Type.String({ description: 'Unique identifier of the conversation (also the resource attribute elevenlabs.conversation_id)' }),
  otlp_traces: Type.Optional(Nullable(OtlpTraces))
}, {
  title: 'post_call_transcription_otel data',
  description: 'The conversation as one OpenTelemetry trace (OTLP JSON), sent when the webhook\'s transcript format is opentelemetry; no audio'
})
export type PostCallTranscriptionOtelData = Static<typeof PostCallTranscriptionOtelData>
