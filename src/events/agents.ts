/**
 * ElevenAgents (Conversational AI) post-call webhooks: `post_call_transcription`,
 * `post_call_audio` and `call_initiation_failure`.
 *
 * Sources:
 * - https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks (field tables, example
 *   payloads for all three types, the SIP / Twilio failure metadata);
 * - https://elevenlabs.io/docs/eleven-api/resources/webhooks (the transcription example payload);
 * - the official JS SDK, @elevenlabs/elevenlabs-js 2.73, whose wire types
 *   (`serialization/types/*.d.ts`, `Raw` interfaces) give the nullability:
 *   GetConversationResponseModel (the docs say the transcription webhook `data` matches the GET
 *   Conversation response), ConversationHistoryTranscriptResponseModel,
 *   ConversationHistoryTranscriptToolCallCommonModelOutput, ConversationHistoryTranscript*ToolsResult*,
 *   UserFeedback, ConversationTurnMetrics, AgentMetadata, ConversationHistoryMetadataCommonModel,
 *   ConversationDeletionSettings, ConversationHistoryFeedbackCommonModel, ConversationChargingCommonModel,
 *   ConversationHistory{Twilio,SipTrunking,Exotel}PhoneCallModel, ConversationHistoryBatchCallModel,
 *   ConversationHistoryErrorCommonModel, ConversationHistoryAnalysisCommonModel,
 *   ConversationHistoryEvaluationCriteriaResultCommonModel, DataCollectionResultCommonModel,
 *   ConversationInitiationClientDataRequestOutput, ConversationConfigClientOverrideOutput.
 *
 * Only `agent_id` and `conversation_id` (and `full_audio` for audio webhooks) are required;
 * everything else is typed but optional, and nullable where the SDK says `| null`.
 */
import { Type, type Static } from '@sinclair/typebox'
import { LooseObject, Nullable } from './common.js'

const AgentId = Type.String({ description: 'The ID of the agent that handled (or was assigned to) the call' })
const ConversationId = Type.String({ description: 'Unique identifier of the conversation' })

/** Which agent (branch, version, workflow node) produced a transcript turn. */
export const TranscriptAgentMetadata = Type.Object({
  agent_id: Type.Optional(Type.String({ description: 'The agent that produced the turn' })),
  branch_id: Type.Optional(Nullable(Type.String({ description: 'Agent branch' }))),
  workflow_node_id: Type.Optional(Nullable(Type.String({ description: 'Workflow node active for the turn' }))),
  version_id: Type.Optional(Nullable(Type.String({ description: 'Agent version' })))
}, { title: 'Transcript agent metadata', description: 'Which agent produced a transcript turn (SDK: AgentMetadata)' })

/** A tool call made by the agent during a turn. */
export const TranscriptToolCall = Type.Object({
  type: Type.Optional(Nullable(Type.String({
    description: 'Tool type; known values: system, webhook, client, mcp, workflow, api_integration_webhook, api_integration_mcp, smb'
  }))),
  request_id: Type.Optional(Type.String({ description: 'ID of the tool request' })),
  tool_name: Type.Optional(Type.String({ description: 'Name of the tool called' })),
  params_as_json: Type.Optional(Type.String({ description: 'The call parameters, as a JSON string' })),
  tool_has_been_called: Type.Optional(Type.Boolean({ description: 'Whether the tool was actually called' })),
  tool_details: Type.Optional(Nullable(LooseObject({ description: 'Type-specific details of the call (webhook, client, MCP…)' })))
}, { title: 'Transcript tool call', description: 'A tool call in a transcript turn (SDK: ConversationHistoryTranscriptToolCallCommonModelOutput)' })

/** A dynamic variable changed by a tool. */
export const DynamicVariableUpdate = Type.Object({
  variable_name: Type.Optional(Type.String({ description: 'The dynamic variable updated' })),
  old_value: Type.Optional(Nullable(Type.String({ description: 'Value before the update' }))),
  new_value: Type.Optional(Type.String({ description: 'Value after the update' })),
  updated_at: Type.Optional(Type.Number({ description: 'When the update happened (unix seconds)' })),
  tool_name: Type.Optional(Type.String({ description: 'Tool that made the update' })),
  tool_request_id: Type.Optional(Type.String({ description: 'Tool request that made the update' }))
}, { title: 'Dynamic variable update', description: 'A dynamic variable changed by a tool (SDK: DynamicVariableUpdateCommonModel)' })

/** The result of a tool call (client, webhook, MCP, system, workflow or API-integration tools share these fields). */
export const TranscriptToolResult = Type.Object({
  type: Type.Optional(Nullable(Type.String({
    description: 'Tool type; known values: client, webhook, mcp, code, system, workflow, api_integration_webhook'
  }))),
  request_id: Type.Optional(Type.String({ description: 'ID of the tool request this answers' })),
  tool_name: Type.Optional(Type.String({ description: 'Name of the tool' })),
  result_value: Type.Optional(Type.String({ description: 'The tool result, as a string' })),
  is_error: Type.Optional(Type.Boolean({ description: 'Whether the tool call failed' })),
  is_blocked: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the call was blocked' }))),
  tool_has_been_called: Type.Optional(Type.Boolean({ description: 'Whether the tool was actually called' })),
  tool_latency_secs: Type.Optional(Nullable(Type.Number({ description: 'Tool latency in seconds' }))),
  error_type: Type.Optional(Nullable(Type.String({ description: 'Error type, when the call failed' }))),
  raw_error_message: Type.Optional(Nullable(Type.String({ description: 'Raw error message, when the call failed' }))),
  dynamic_variable_updates: Type.Optional(Nullable(Type.Array(DynamicVariableUpdate, { description: 'Dynamic variables the tool changed' }))),
  result: Type.Optional(Nullable(LooseObject({ description: 'Structured result (system and workflow tools)' })))
}, { title: 'Transcript tool result', description: 'The result of a tool call in a transcript turn (SDK: ConversationHistoryTranscript*ToolsResultCommonModel*)' })

/** Feedback the user gave on one agent turn. */
export const TranscriptTurnFeedback = Type.Object({
  score: Type.Optional(Type.String({ description: 'known values: like, dislike' })),
  time_in_call_secs: Type.Optional(Type.Number({ description: 'When the feedback was given, seconds into the call' }))
}, { title: 'Turn feedback', description: 'User feedback on a transcript turn (SDK: UserFeedback)' })

/**
 * Latency metrics of a turn. The SDK nests them under `metrics`; the documented example puts
 * `{ "convai_llm_service_ttfb": { "elapsed_time": 0.37 } }` at the top: both pass.
 */
export const ConversationTurnMetrics = Type.Object({
  metrics: Type.Optional(Nullable(Type.Record(Type.String(), Type.Object({
    elapsed_time: Type.Optional(Type.Number({ description: 'Elapsed time in seconds' }))
  }, { title: 'Metric record', description: 'One latency measurement' }), { description: 'Latency measurements by metric name' }))),
  convai_asr_provider: Type.Optional(Nullable(Type.String({ description: 'Speech recognition provider used' }))),
  convai_tts_model: Type.Optional(Nullable(Type.String({ description: 'TTS model used' }))),
  convai_tts_cascade: Type.Optional(Nullable(Type.String({ description: 'TTS cascade used' }))),
  voice_id: Type.Optional(Nullable(Type.String({ description: 'Voice used for the turn' })))
}, { title: 'Conversation turn metrics', description: 'Latency metrics of a transcript turn (SDK: ConversationTurnMetrics)' })

/** One turn of the conversation transcript. */
export const TranscriptTurn = Type.Object({
  role: Type.Optional(Type.String({ description: 'Who spoke; known values: user, agent' })),
  agent_metadata: Type.Optional(Nullable(TranscriptAgentMetadata)),
  message: Type.Optional(Nullable(Type.String({ description: 'What was said' }))),
  multivoice_message: Type.Optional(Nullable(LooseObject({ description: 'The message split by voice (multi-voice agents)' }))),
  tool_calls: Type.Optional(Nullable(Type.Array(TranscriptToolCall, { description: 'Tool calls made in this turn' }))),
  tool_results: Type.Optional(Nullable(Type.Array(TranscriptToolResult, { description: 'Tool results received in this turn' }))),
  feedback: Type.Optional(Nullable(TranscriptTurnFeedback)),
  llm_override: Type.Optional(Nullable(Type.String({ description: 'LLM override used for the turn' }))),
  time_in_call_secs: Type.Optional(Type.Number({ description: 'When the turn happened, seconds into the call' })),
  conversation_turn_metrics: Type.Optional(Nullable(ConversationTurnMetrics)),
  rag_retrieval_info: Type.Optional(Nullable(LooseObject({ description: 'Knowledge-base (RAG) retrieval details' }))),
  llm_usage: Type.Optional(Nullable(LooseObject({ description: 'LLM token usage of the turn' }))),
  interrupted: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the turn was interrupted' }))),
  original_message: Type.Optional(Nullable(Type.String({ description: 'The message before any rewriting' }))),
  source_medium: Type.Optional(Nullable(Type.String({ description: 'How the message arrived; known values: audio, dtmf, text, image, file' })))
}, { title: 'Transcript turn', description: 'One turn of the conversation (SDK: ConversationHistoryTranscriptResponseModel)' })
export type TranscriptTurn = Static<typeof TranscriptTurn>

/** When the conversation's data is (or was) deleted. */
export const ConversationDeletionSettings = Type.Object({
  deletion_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the conversation is scheduled for deletion' }))),
  deleted_logs_at_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the logs were deleted' }))),
  deleted_audio_at_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the audio was deleted' }))),
  deleted_transcript_at_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the transcript was deleted' }))),
  delete_transcript_and_pii: Type.Optional(Nullable(Type.Boolean({ description: 'Whether transcript and PII are deleted' }))),
  delete_audio: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the audio is deleted' })))
}, { title: 'Deletion settings', description: 'Retention of the conversation data (SDK: ConversationDeletionSettings)' })

/** Feedback on the whole conversation. */
export const ConversationFeedback = Type.Object({
  type: Type.Optional(Nullable(Type.String({ description: 'Feedback kind; known values: thumbs, rating' }))),
  overall_score: Type.Optional(Nullable(Type.String({ description: 'known values: like, dislike' }))),
  likes: Type.Optional(Nullable(Type.Number({ description: 'Number of liked turns' }))),
  dislikes: Type.Optional(Nullable(Type.Number({ description: 'Number of disliked turns' }))),
  rating: Type.Optional(Nullable(Type.Number({ description: 'Rating given by the user' }))),
  comment: Type.Optional(Nullable(Type.String({ description: 'Comment left by the user' })))
}, { title: 'Conversation feedback', description: 'User feedback on the conversation (SDK: ConversationHistoryFeedbackCommonModel)' })

/** What the conversation cost and how it was charged. */
export const ConversationCharging = Type.Object({
  dev_discount: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the development discount applied' }))),
  is_burst: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the call ran over the concurrency limit (burst pricing)' }))),
  tier: Type.Optional(Nullable(Type.String({ description: 'Subscription tier charged' }))),
  llm_usage: Type.Optional(Nullable(LooseObject({ description: 'LLM usage by category' }))),
  llm_price: Type.Optional(Nullable(Type.Number({ description: 'LLM price' }))),
  llm_charge: Type.Optional(Nullable(Type.Number({ description: 'LLM charge' }))),
  call_charge: Type.Optional(Nullable(Type.Number({ description: 'Call charge' }))),
  platform_charge: Type.Optional(Nullable(Type.Number({ description: 'Platform charge' }))),
  free_minutes_consumed: Type.Optional(Nullable(Type.Number({ description: 'Free minutes consumed' }))),
  free_llm_dollars_consumed: Type.Optional(Nullable(Type.Number({ description: 'Free LLM dollars consumed' })))
}, { title: 'Conversation charging', description: 'Charging details (SDK: ConversationChargingCommonModel)' })

/** The phone call behind the conversation (Twilio, SIP trunk or Exotel). */
export const ConversationPhoneCall = Type.Object({
  type: Type.Optional(Type.String({ description: 'Telephony provider; known values: twilio, sip_trunking, exotel' })),
  direction: Type.Optional(Type.String({ description: 'known values: inbound, outbound' })),
  phone_number_id: Type.Optional(Type.String({ description: 'ElevenLabs ID of the agent phone number' })),
  agent_number: Type.Optional(Type.String({ description: 'The agent phone number' })),
  external_number: Type.Optional(Type.String({ description: 'The caller / callee phone number' })),
  call_result: Type.Optional(Nullable(Type.String({ description: 'known values: answered, voicemail, busy, no_answer, failed' }))),
  stream_sid: Type.Optional(Type.String({ description: 'Provider stream ID (Twilio, Exotel)' })),
  call_sid: Type.Optional(Type.String({ description: 'Provider call ID' })),
  call_id: Type.Optional(Nullable(Type.String({ description: 'SIP call ID (SIP trunking)' }))),
  sip_header_dynamic_variables: Type.Optional(Nullable(Type.Record(Type.String(), Type.String(), { description: 'Dynamic variables taken from SIP headers' })))
}, {
  title: 'Phone call',
  description: 'Telephony details (SDK: ConversationHistory{Twilio,SipTrunking,Exotel}PhoneCallModel)'
})

/** The batch call this conversation belongs to. */
export const ConversationBatchCall = Type.Object({
  batch_call_id: Type.Optional(Type.String({ description: 'Batch call ID' })),
  batch_call_recipient_id: Type.Optional(Type.String({ description: 'Recipient ID within the batch' })),
  campaign: Type.Optional(Nullable(LooseObject({ description: 'Campaign information' })))
}, { title: 'Batch call', description: 'Batch-call details (SDK: ConversationHistoryBatchCallModel)' })

/** The error that ended the conversation, if any. */
export const ConversationError = Type.Object({
  code: Type.Optional(Type.Number({ description: 'Error code' })),
  reason: Type.Optional(Nullable(Type.String({ description: 'Error reason' })))
}, { title: 'Conversation error', description: 'Error details (SDK: ConversationHistoryErrorCommonModel)' })

/** Call timing, cost and phone details. */
export const ConversationMetadata = Type.Object({
  start_time_unix_secs: Type.Optional(Type.Number({ description: 'When the conversation started (unix seconds)' })),
  accepted_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the call was accepted (unix seconds)' }))),
  call_duration_secs: Type.Optional(Type.Number({ description: 'Call duration in seconds' })),
  queue_wait_secs: Type.Optional(Nullable(Type.Number({ description: 'Seconds spent in the concurrency queue (excluded from the duration)' }))),
  cost: Type.Optional(Nullable(Type.Number({ description: 'Cost of the conversation, in credits' }))),
  cost_fiat: Type.Optional(Nullable(Type.Number({ description: 'Total fiat cost in USD' }))),
  deletion_settings: Type.Optional(Nullable(ConversationDeletionSettings)),
  feedback: Type.Optional(Nullable(ConversationFeedback)),
  authorization_method: Type.Optional(Nullable(Type.String({
    description: 'How the conversation was authorized; known values: invalid, public, authorization_header, signed_url, shareable_link, livekit_token, livekit_token_website, genesys_api_key, avaya_api_key, audiocodes_api_key, whatsapp, sms'
  }))),
  charging: Type.Optional(Nullable(ConversationCharging)),
  phone_call: Type.Optional(Nullable(ConversationPhoneCall)),
  batch_call: Type.Optional(Nullable(ConversationBatchCall)),
  termination_reason: Type.Optional(Nullable(Type.String({ description: 'Why the conversation ended (free text, may be empty)' }))),
  error: Type.Optional(Nullable(ConversationError)),
  warnings: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Warnings raised during the conversation' }))),
  main_language: Type.Optional(Nullable(Type.String({ description: 'Main language of the conversation' }))),
  rag_usage: Type.Optional(Nullable(LooseObject({ description: 'Knowledge-base (RAG) usage' }))),
  text_only: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the conversation was text only' }))),
  features_usage: Type.Optional(Nullable(LooseObject({ description: 'Which platform features were used' }))),
  initiator_id: Type.Optional(Nullable(Type.String({ description: 'Who initiated the conversation' }))),
  conversation_initiation_source: Type.Optional(Nullable(Type.String({
    description: 'Where the conversation was started from; known values include unknown, js_sdk, python_sdk, react_sdk, widget, sip_trunk, twilio, exotel, whatsapp…'
  }))),
  conversation_initiation_source_version: Type.Optional(Nullable(Type.String({ description: 'Version of the initiating SDK or integration' }))),
  timezone: Type.Optional(Nullable(Type.String({ description: 'Timezone of the conversation' })))
}, { title: 'Conversation metadata', description: 'Call timing, costs and phone details (SDK: ConversationHistoryMetadataCommonModel)' })
export type ConversationMetadata = Static<typeof ConversationMetadata>

/** The result of one evaluation criterion. */
export const EvaluationCriteriaResult = Type.Object({
  criteria_id: Type.Optional(Type.String({ description: 'The criterion evaluated' })),
  result: Type.Optional(Type.String({ description: 'known values: success, failure, unknown' })),
  rationale: Type.Optional(Type.String({ description: 'Why the evaluator decided so' })),
  scoring_mode: Type.Optional(Nullable(Type.String({ description: 'known values: binary, numeric_uniform' }))),
  score: Type.Optional(Nullable(Type.Number({ description: 'Numeric score (numeric scoring)' }))),
  max_score: Type.Optional(Nullable(Type.Number({ description: 'Maximum score (numeric scoring)' })))
}, { title: 'Evaluation criteria result', description: 'Result of one success criterion (SDK: ConversationHistoryEvaluationCriteriaResultCommonModel)' })

/** One value extracted from the conversation by data collection. */
export const DataCollectionResult = Type.Object({
  data_collection_id: Type.Optional(Type.String({ description: 'The data collection item' })),
  name: Type.Optional(Nullable(Type.String({ description: 'Display name of the item' }))),
  value: Type.Optional(Type.Unknown({ description: 'The extracted value (any JSON value, null when nothing was found)' })),
  json_schema: Type.Optional(Nullable(LooseObject({ description: 'The schema the value was extracted with' }))),
  rationale: Type.Optional(Type.String({ description: 'Why this value was extracted' }))
}, { title: 'Data collection result', description: 'One extracted data item (SDK: DataCollectionResultCommonModel)' })

/** Evaluation results and summary of the conversation. */
export const ConversationAnalysis = Type.Object({
  evaluation_criteria_results: Type.Optional(Nullable(Type.Record(Type.String(), EvaluationCriteriaResult, { description: 'Results by criterion ID' }))),
  data_collection_results: Type.Optional(Nullable(Type.Record(Type.String(), DataCollectionResult, { description: 'Extracted data by item ID' }))),
  evaluation_criteria_results_list: Type.Optional(Nullable(Type.Array(EvaluationCriteriaResult, { description: 'Results as a list' }))),
  data_collection_results_list: Type.Optional(Nullable(Type.Array(DataCollectionResult, { description: 'Extracted data as a list' }))),
  call_successful: Type.Optional(Type.String({ description: 'Overall outcome; known values: success, failure, unknown' })),
  call_success_score: Type.Optional(Nullable(Type.Number({ description: 'Numeric success score' }))),
  transcript_summary: Type.Optional(Type.String({ description: 'Summary of the conversation' })),
  call_summary_title: Type.Optional(Nullable(Type.String({ description: 'Short title of the conversation' })))
}, { title: 'Conversation analysis', description: 'Evaluation results and summary (SDK: ConversationHistoryAnalysisCommonModel)' })
export type ConversationAnalysis = Static<typeof ConversationAnalysis>

/** Overrides of the agent configuration sent when the conversation started. */
export const ConversationConfigOverride = Type.Object({
  agent: Type.Optional(Nullable(LooseObject({ description: 'Agent overrides (first_message, language, prompt…)' }))),
  tts: Type.Optional(Nullable(LooseObject({ description: 'TTS overrides (voice_id, stability, speed…)' }))),
  asr: Type.Optional(Nullable(LooseObject({ description: 'Speech recognition overrides' }))),
  turn: Type.Optional(Nullable(LooseObject({ description: 'Turn-taking overrides' }))),
  conversation: Type.Optional(Nullable(LooseObject({ description: 'Conversation overrides' })))
}, { title: 'Conversation config override', description: 'Per-conversation overrides (SDK: ConversationConfigClientOverrideOutput)' })

/** What the client sent when it started the conversation. */
export const ConversationInitiationClientData = Type.Object({
  conversation_config_override: Type.Optional(Nullable(ConversationConfigOverride)),
  custom_llm_extra_body: Type.Optional(Nullable(LooseObject({ description: 'Extra body passed to a custom LLM' }))),
  user_id: Type.Optional(Nullable(Type.String({ description: 'User identifier passed by the client' }))),
  source_info: Type.Optional(Nullable(Type.Object({
    source: Type.Optional(Nullable(Type.String({ description: 'Initiating SDK or integration' }))),
    version: Type.Optional(Nullable(Type.String({ description: 'Its version' })))
  }, { title: 'Source info', description: 'Where the conversation was started from' }))),
  branch_id: Type.Optional(Nullable(Type.String({ description: 'Agent branch requested' }))),
  environment: Type.Optional(Nullable(Type.String({ description: 'Environment requested' }))),
  dynamic_variables: Type.Optional(Nullable(LooseObject({ description: 'Dynamic variables, by name' })))
}, { title: 'Conversation initiation client data', description: 'Configuration overrides and dynamic variables (SDK: ConversationInitiationClientDataRequestOutput)' })
export type ConversationInitiationClientData = Static<typeof ConversationInitiationClientData>

/** `data` of a `post_call_transcription` event. */
export const PostCallTranscriptionData = Type.Object({
  agent_id: AgentId,
  conversation_id: ConversationId,
  agent_name: Type.Optional(Nullable(Type.String({ description: 'Name of the agent' }))),
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
  has_auxiliary_audio: Type.Optional(Type.Boolean({ description: 'Whether auxiliary audio is available' }))
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

/** The body of SIP failure metadata. */
export const SipCallFailureBody = Type.Object({
  // The docs' table says "number" but their example sends "+441111111111" strings: accept both.
  from_number: Type.Optional(Type.Union([Type.String(), Type.Number()], { description: 'Phone number that initiated the call' })),
  to_number: Type.Optional(Type.Union([Type.String(), Type.Number()], { description: 'Phone number called' })),
  sip_status_code: Type.Optional(Type.Number({ description: 'SIP response status code, e.g. 486 (busy)' })),
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
  body: Type.Optional(SipCallFailureBody)
}, { title: 'Call initiation failure metadata', description: 'Additional data from the telephony provider' })
export type CallInitiationFailureMetadata = Static<typeof CallInitiationFailureMetadata>

/** `data` of a `call_initiation_failure` event. */
export const CallInitiationFailureData = Type.Object({
  agent_id: AgentId,
  conversation_id: ConversationId,
  failure_reason: Type.Optional(Type.String({ description: 'Why the call could not start; known values: busy, no-answer, unknown' })),
  metadata: Type.Optional(Nullable(CallInitiationFailureMetadata))
}, {
  title: 'call_initiation_failure data',
  description: 'Sent when an outbound call fails to start (connection error, declined, not picked up); not sent for voicemail'
})
export type CallInitiationFailureData = Static<typeof CallInitiationFailureData>
