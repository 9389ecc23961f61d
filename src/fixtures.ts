/**
 * A realistic sample of every catalogued event, modelled on ElevenLabs' documented examples:
 * for tests, the CLI (`elevenlabs-webhooks fixtures`) and your own tests (`buildEvent` in
 * `fastify-elevenlabs-webhooks/testing`). Each is checked against its schema in the test suite.
 */
import type { EventSchemas, EventType } from './events/index.js'
import type { WebhookEvent } from './router.js'

export type EventFixtures = { readonly [K in EventType]: WebhookEvent<EventSchemas, K> }

export const fixtures: EventFixtures = {
  'audio.generated': {
    type: 'audio.generated',
    event_timestamp: 1761000100,
    data: {
      audio_id: 'aud_9f8e7d6c5b4a'
    }
  },
  'voice.cloned': {
    type: 'voice.cloned',
    event_timestamp: 1761000200,
    data: {
      voice_id: 'JBFqnCBsd6RMkjVDRZzb'
    }
  },
  'usage.threshold': {
    type: 'usage.threshold',
    event_timestamp: 1761000300,
    data: {
      threshold: 80
    }
  },
  post_call_transcription: {
    type: 'post_call_transcription',
    event_timestamp: 1739537297,
    data: {
      agent_id: 'agent_01jk2x7r9ffh6s8v3bq4c5d6e7',
      conversation_id: 'conv_01jk2x9m4pq3r5s7t9v2w4x6y8',
      agent_name: 'Support agent',
      status: 'done',
      user_id: 'user123',
      branch_id: null,
      version_id: null,
      transcript: [
        {
          role: 'agent',
          agent_metadata: {
            agent_id: 'agent_01jk2x7r9ffh6s8v3bq4c5d6e7',
            branch_id: null,
            workflow_node_id: null
          },
          message: 'Hey there angelo. How are you?',
          tool_calls: null,
          tool_results: null,
          feedback: null,
          llm_override: null,
          time_in_call_secs: 0,
          conversation_turn_metrics: null,
          rag_retrieval_info: null,
          llm_usage: null,
          interrupted: false,
          original_message: null,
          source_medium: null
        },
        {
          role: 'user',
          message: 'Hey, can you tell me when my order ships?',
          tool_calls: null,
          tool_results: null,
          feedback: null,
          time_in_call_secs: 2,
          conversation_turn_metrics: null,
          source_medium: 'audio'
        },
        {
          role: 'agent',
          message: null,
          tool_calls: [
            {
              type: 'webhook',
              request_id: 'get_order_status_3f6c1a',
              tool_name: 'get_order_status',
              params_as_json: '{"order_id": "A-1042"}',
              tool_has_been_called: true,
              tool_details: {
                type: 'webhook',
                method: 'GET',
                url: 'https://example.com/orders/A-1042'
              }
            }
          ],
          tool_results: [
            {
              type: 'webhook',
              request_id: 'get_order_status_3f6c1a',
              tool_name: 'get_order_status',
              result_value: '{"status": "shipped"}',
              is_error: false,
              is_blocked: false,
              tool_has_been_called: true,
              tool_latency_secs: 0.42,
              error_type: null,
              raw_error_message: null,
              dynamic_variable_updates: []
            }
          ],
          feedback: null,
          time_in_call_secs: 5,
          conversation_turn_metrics: null
        },
        {
          role: 'agent',
          message: 'Good news: order A-1042 shipped this morning.',
          tool_calls: null,
          tool_results: null,
          feedback: {
            score: 'like',
            time_in_call_secs: 11
          },
          time_in_call_secs: 9,
          conversation_turn_metrics: {
            metrics: {
              convai_llm_service_ttfb: {
                elapsed_time: 0.3704247010173276
              },
              convai_llm_service_ttf_sentence: {
                elapsed_time: 0.5551181449554861
              }
            },
            convai_asr_provider: null
          }
        }
      ],
      metadata: {
        start_time_unix_secs: 1739537297,
        accepted_time_unix_secs: 1739537296,
        call_duration_secs: 22,
        cost: 296,
        deletion_settings: {
          deletion_time_unix_secs: 1802609320,
          deleted_logs_at_time_unix_secs: null,
          deleted_audio_at_time_unix_secs: null,
          deleted_transcript_at_time_unix_secs: null,
          delete_transcript_and_pii: true,
          delete_audio: true
        },
        feedback: {
          overall_score: null,
          likes: 1,
          dislikes: 0
        },
        authorization_method: 'authorization_header',
        charging: {
          dev_discount: true,
          tier: null,
          llm_price: 0.0012,
          call_charge: 296
        },
        phone_call: {
          type: 'twilio',
          direction: 'inbound',
          phone_number_id: 'phnum_01jk2xb2c3d4e5f6g7h8j9k0m1',
          agent_number: '+14155550100',
          external_number: '+14155550199',
          call_result: null,
          stream_sid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
          call_sid: 'CA8367245817625617832576245724'
        },
        batch_call: null,
        termination_reason: '',
        error: null,
        warnings: [],
        main_language: 'en',
        text_only: false,
        conversation_initiation_source: 'twilio',
        timezone: null
      },
      analysis: {
        evaluation_criteria_results: {
          answered_question: {
            criteria_id: 'answered_question',
            result: 'success',
            rationale: 'The agent gave the shipping status the user asked for.'
          }
        },
        data_collection_results: {
          order_id: {
            data_collection_id: 'order_id',
            value: 'A-1042',
            json_schema: {
              type: 'string',
              description: 'The order the caller asked about'
            },
            rationale: 'The user asked about order A-1042.'
          }
        },
        call_successful: 'success',
        transcript_summary: 'The caller asked when order A-1042 would ship. The agent looked the order up and confirmed it shipped this morning.',
        call_summary_title: 'Order shipping status'
      },
      conversation_initiation_client_data: {
        conversation_config_override: {
          agent: {
            prompt: null,
            first_message: null,
            language: 'en'
          },
          tts: {
            voice_id: null
          }
        },
        custom_llm_extra_body: {},
        user_id: null,
        source_info: {
          source: 'twilio',
          version: null
        },
        dynamic_variables: {
          user_name: 'angelo',
          system__call_sid: 'CA8367245817625617832576245724'
        }
      },
      has_audio: true,
      has_user_audio: true,
      has_response_audio: true
    }
  },
  post_call_transcription_otel: {
    type: 'post_call_transcription_otel',
    event_timestamp: 1739537320,
    data: {
      agent_id: 'agent_01jk2x7r9ffh6s8v3bq4c5d6e7',
      conversation_id: 'conv_01jk2x9m4pq3r5s7t9v2w4x6y8',
      otlp_traces: {
        resourceSpans: [
          {
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: 'elevenlabs-convai' } },
                { key: 'elevenlabs.conversation_id', value: { stringValue: 'conv_01jk2x9m4pq3r5s7t9v2w4x6y8' } }
              ]
            },
            scopeSpans: [
              {
                scope: { name: 'elevenlabs.convai', version: '1.0.0' },
                spans: [
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: '86f2a3c1d0e4b5a6',
                    name: 'elevenlabs.conversation',
                    startTimeUnixNano: '1739537297000000000',
                    endTimeUnixNano: '1739537319000000000',
                    attributes: [
                      { key: 'elevenlabs.source', value: { stringValue: 'post_call_webhook' } }
                    ],
                    status: { code: 1 }
                  },
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: '1c4e7a9b2d5f8e3a',
                    parentSpanId: '86f2a3c1d0e4b5a6',
                    name: 'elevenlabs.recv.user_transcript',
                    startTimeUnixNano: '1739537299000000000',
                    endTimeUnixNano: '1739537302000000000',
                    attributes: [
                      { key: 'elevenlabs.user.text', value: { stringValue: 'Hey, can you tell me when my order ships?' } }
                    ],
                    status: { code: 1 }
                  },
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: '9d2b6f4a8c1e3b7d',
                    parentSpanId: '86f2a3c1d0e4b5a6',
                    name: 'elevenlabs.recv.agent_response',
                    startTimeUnixNano: '1739537302000000000',
                    endTimeUnixNano: '1739537306000000000',
                    attributes: [
                      { key: 'elevenlabs.agent.text', value: { stringValue: 'Good news: order A-1042 shipped this morning.' } }
                    ],
                    status: { code: 1 }
                  },
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: '4a7c1e9f3b6d2a8c',
                    parentSpanId: '9d2b6f4a8c1e3b7d',
                    name: 'elevenlabs.tool.get_order_status',
                    startTimeUnixNano: '1739537302100000000',
                    endTimeUnixNano: '1739537302520000000',
                    status: { code: 1 }
                  }
                ]
              }
            ]
          }
        ]
      }
    }
  },
  post_call_audio: {
    type: 'post_call_audio',
    event_timestamp: 1739537319,
    data: {
      agent_id: 'agent_01jk2x7r9ffh6s8v3bq4c5d6e7',
      conversation_id: 'conv_01jk2x9m4pq3r5s7t9v2w4x6y8',
      full_audio: 'SUQzBAAAAAAAI1RTU0UAAAAPAAADTGF2ZjU4Ljc2LjEwMAD/+5BkAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
    }
  },
  call_initiation_failure: {
    type: 'call_initiation_failure',
    event_timestamp: 1759931652,
    data: {
      agent_id: 'agent_01jk2x7r9ffh6s8v3bq4c5d6e7',
      conversation_id: 'conv_01k6z3a8b9c0d1e2f3g4h5j6k7',
      failure_reason: 'busy',
      metadata: {
        type: 'sip',
        body: {
          from_number: '+441111111111',
          to_number: '+11111111111',
          sip_status_code: 486,
          error_reason: 'INVITE failed: sip status: 486: Busy here (SIP 486)',
          call_sid: 'd8e7f6a5-b4c3-4d5e-8f9a-0b1c2d3e4f5a',
          sip_status: 'Busy here',
          twirp_code: 'unavailable'
        }
      }
    }
  },
  speech_to_text_transcription: {
    type: 'speech_to_text_transcription',
    event_timestamp: 1745000000,
    data: {
      request_id: 'some-request-id-123',
      webhook_metadata: {
        job_id: 'job-42',
        customer: {
          id: 'c-7'
        }
      },
      transcription: {
        language_code: 'en',
        language_probability: 0.98,
        text: 'Hello world!',
        words: [
          {
            text: 'Hello',
            start: 0.0,
            end: 0.5,
            type: 'word',
            speaker_id: 'speaker_1',
            logprob: -0.124,
            characters: [
              {
                text: 'H',
                start: 0.0,
                end: 0.1
              },
              {
                text: 'e',
                start: 0.1,
                end: 0.2
              },
              {
                text: 'l',
                start: 0.2,
                end: 0.3
              },
              {
                text: 'l',
                start: 0.3,
                end: 0.4
              },
              {
                text: 'o',
                start: 0.4,
                end: 0.5
              }
            ]
          },
          {
            text: ' ',
            start: 0.5,
            end: 0.5,
            type: 'spacing',
            speaker_id: 'speaker_1',
            logprob: 0
          },
          {
            text: 'world!',
            start: 0.5,
            end: 1.2,
            type: 'word',
            speaker_id: 'speaker_1',
            logprob: -0.051
          }
        ],
        transcription_id: 'tr_01jk3a4b5c6d7e8f9g0h1j2k3m',
        audio_duration_secs: 1.3
      }
    }
  },
  voice_removal_notice: {
    type: 'voice_removal_notice',
    event_timestamp: 1761000000,
    data: {
      voice_id: '21m00Tcm4TlvDq8ikWAM'
    }
  },
  voice_removal_notice_withdrawn: {
    type: 'voice_removal_notice_withdrawn',
    event_timestamp: 1761000000,
    data: {
      voice_id: '21m00Tcm4TlvDq8ikWAM'
    }
  },
  voice_removed: {
    type: 'voice_removed',
    event_timestamp: 1761000000,
    data: {
      voice_id: '21m00Tcm4TlvDq8ikWAM'
    }
  }
}
