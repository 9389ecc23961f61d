/**
 * ElevenAgents (Conversational AI) post-call webhooks: `post_call_transcription`,
 * `post_call_audio` and `call_initiation_failure`. The conversation model that
 * `post_call_transcription` carries lives in transcript.ts and conversation.ts; its
 * OpenTelemetry form in otel.ts.
 *
 * Sources:
 * - https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks (field tables, example
 *   payloads for all three types, the SIP / Twilio failure metadata, and the notice that since
 *   2025-08-15 the transcription `data` matches the GET Conversation response);
 * - https://elevenlabs.io/docs/eleven-api/resources/webhooks (the transcription example payload);
 * - the official JS SDK, @elevenlabs/elevenlabs-js 2.73, whose wire type of that response
 *   (`serialization/types/GetConversationResponseModel.d.ts`, `Raw`) gives the fields and their
 *   nullability.
 *
 * Only `agent_id` and `conversation_id` (and `full_audio` for audio webhooks) are required;
 * everything else is typed but optional, and nullable where the SDK says `| null`.
 */
import { Type, type Static } from '@sinclair/typebox'
import { Nullable } from './common.js'
import { ConversationAnalysis, ConversationInitiationClientData, ConversationMetadata } from './conversation.js'
import { OtlpTraces } from './otel.js'
import { TranscriptTurn } from './transcript.js'

const AgentId = Type.String({ description: 'The ID of the agent that handled (or was assigned to) the call' })
const ConversationId = Type.String({ description: 'Unique identifier of the conversation' })

/** `data` of a `post_call_transcription` event. */
export const PostCallTranscriptionData = Type.Object({
  agent_id: AgentId,
  conversation_id: ConversationId,
  agent_name: Type.Optional(Nullable(Type.String({ description: 'Name of the agent' }))),
  conversation_product: Type.Optional(Nullable(Type.String({ description: 'The ElevenLabs product the conversation ran in' }))),
  status: Type.Optional(Type.String({ description: 'Conversation status; known values: initiated, in-progress, processing, done, failed' })),
  user_id: Type.Optional(Nullable(Type.String({ description: 'User identifier, if available' }))),
  branch_id: Type.Optional(Nullable(Type.String({ description: 'Agent branch used' }))),
  version_id: Type.Optional(Nullable(Type.String({ description: 'Agent version used' }))),
  environment: Type.Optional(Nullable(Type.String({ description: 'Environment the conversation ran in' }))),
  transcript: Type.Optional(Nullable(Type.Array(TranscriptTurn, {
    description: 'The conversation, turn by turn (omitted when the webhook is set to exclude it)'
  }))),
  metadata: Type.Optional(ConversationMetadata),
  analysis: Type.Optional(Nullable(ConversationAnalysis)),
  conversation_initiation_client_data: Type.Optional(Nullable(ConversationInitiationClientData)),
  visited_agents: Type.Optional(Nullable(Type.Array(Type.Object({
    agent_id: Type.Optional(Type.String({ description: 'Agent visited' })),
    branch_id: Type.Optional(Nullable(Type.String({ description: 'Its branch' })))
  }, { title: 'Visited agent', description: 'An agent the conversation was transferred to' }), { description: 'Agents visited during the conversation' }))),
  tag_ids: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Tags of the conversation' }))),
  has_audio: Type.Optional(Type.Boolean({ description: 'Whether the conversation has any audio (sent since 2025-08-15)' })),
  has_user_audio: Type.Optional(Type.Boolean({ description: 'Whether user audio is available (sent since 2025-08-15)' })),
  has_response_audio: Type.Optional(Type.Boolean({ description: 'Whether agent audio is available (sent since 2025-08-15)' })),
  has_auxiliary_audio: Type.Optional(Type.Boolean({ description: 'Whether auxiliary audio is available' })),
  otlp_traces: Type.Optional(Nullable(OtlpTraces))
}, {
  title: 'post_call_transcription data',
  description: 'Full conversation data sent when a call has ended and its analysis is complete; matches the GET Conversation response'
})
export type PostCallTranscriptionData = Static<typeof PostCallTranscriptionData>

/** `data` of a `post_call_audio` event. */
export const PostCallAudioData = Type.Object({
  agent_id: AgentId,
  conversation_id: ConversationId,
  full_audio: Type.String({
    description: 'The complete conversation audio: a base64-encoded MP3 (often many MB)',
    contentEncoding: 'base64',
    contentMediaType: 'audio/mpeg'
  })
}, {
  title: 'post_call_audio data',
  description: 'The full audio of a conversation; audio webhooks carry only these three fields and are sent with chunked transfer encoding'
})
export type PostCallAudioData = Static<typeof PostCallAudioData>

/**
 * The body of SIP failure metadata. The docs' table marks most fields as required; none is here:
 * an earlier version of the same page had no `from_number` / `to_number` at all.
 */
export const SipCallFailureBody = Type.Object({
  // The docs' table says "number" but their example sends "+441111111111" strings: accept both.
  from_number: Type.Optional(Type.Union([Type.String(), Type.Number()], { description: 'Phone number that initiated the call' })),
  to_number: Type.Optional(Type.Union([Type.String(), Type.Number()], { description: 'Phone number called' })),
  // A number in the SIP example; issue 12 asks for a string too (Twilio's own SipResponseCode is one).
  sip_status_code: Type.Optional(Type.Union([Type.Number(), Type.String()], { description: 'SIP response status code, e.g. 486 (busy)' })),
  error_reason: Type.Optional(Type.String({ description: 'Human-readable error description' })),
  call_sid: Type.Optional(Type.String({ description: 'SIP call session identifier' })),
  twirp_code: Type.Optional(Type.String({ description: 'Twirp error code, if applicable' })),
  sip_status: Type.Optional(Type.String({ description: 'SIP status text for the status code' }))
}, {
  title: 'Call failure metadata body',
  description: 'Provider details. For SIP the fields below; for Twilio the StatusCallback parameters (CallSid, CallStatus, SipResponseCode…, all strings)'
})

/** Telephony-provider data about a failed call. */
export const CallInitiationFailureMetadata = Type.Object({
  type: Type.Optional(Type.String({ description: 'Telephony provider; known values: sip, twilio' })),
  body: Type.Optional(Nullable(SipCallFailureBody))
}, { title: 'Call initiation failure metadata', description: 'Additional data from the telephony provider' })
export type CallInitiationFailureMetadata = Static<typeof CallInitiationFailureMetadata>

/**
 * `data` of a `call_initiation_failure` event. `failure_reason` and `metadata.body` accept null,
 * as issue 12 asks ("where ElevenLabs sends null"); no published example shows a null there.
 */
export const CallInitiationFailureData = Type.Object({
  agent_id: AgentId,
  conversation_id: ConversationId,
  failure_reason: Type.Optional(Nullable(Type.String({ description: 'Why the call could not start; known values: busy, no-answer, unknown' }))),
  metadata: Type.Optional(Nullable(CallInitiationFailureMetadata))
}, {
  title: 'call_initiation_failure data',
  description: 'Sent when an outbound call fails to start (connection error, declined, not picked up); not sent for voicemail'
})
export type CallInitiationFailureData = Static<typeof CallInitiationFailureData>
