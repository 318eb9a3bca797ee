# SPDX-License-Identifier: Apache-2.0
# docs/diagrams.md shows the output of `aftersale graph` for a shipped flow: it must be the
# output of today's binary, so the page cannot drift.
#   cmake -DCLI=aftersale -DDOC=docs/diagrams.md -P diagrams_doc.cmake   (run in the source dir)
cmake_minimum_required(VERSION 3.21)
file(READ "${DOC}" doc)
foreach(format dot mermaid)
  if(format STREQUAL "dot")
    set(args --locale en)
  else()
    set(args --format mermaid --locale en --labels customer)
  endif()
  execute_process(COMMAND "${CLI}" graph policies/default.yaml --flow supervisor_review ${args}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "aftersale graph --format ${format}: exit ${rc}")
  endif()
  string(FIND "${doc}" "```${format}\n${out}```" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${DOC}: the ```${format} example is not today's output; it is now:\n${out}")
  endif()
endforeach()
