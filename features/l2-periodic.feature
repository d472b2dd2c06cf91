@l2 @l2-periodic @ipv4
Feature: Periodic gratuitous ARP: a neighbour that lost its entry learns the owner again
  MetalLB announces an IP gratuitously for 5 s after a node takes it over, then only answers requests
  (internal/layer2/announcer.go). With the speaker's periodic interval (off by default) the owner keeps
  announcing, so a neighbour whose cache was flushed learns the owner again without asking: a switch or
  a firewall that only learns from traffic, or a host that dropped its entry.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: l2
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.140/30
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: l2
        namespace: metallb-system
      spec:
        ipAddressPools: [l2]
      """
    And nodes "NodeA, NodeB" and the host "client" on one segment
    And a Service "default/web" requesting "203.0.113.141" with a ready endpoint on "NodeA"
    And "client" accepts gratuitous ARP

  Scenario: with a 1 s interval the flushed entry comes back from the periodic announcements alone
    Given the speakers announce owned IPs gratuitously every 1000 ms
    When the speaker runs on every node
    Then "client" gets exactly one answer for "203.0.113.141", from the elected node
    When "client" flushes its neighbour entry for "203.0.113.141" once the first announcements are over
    Then "client" learns "203.0.113.141" at the elected node without asking, within 2500 ms

  Scenario: without the interval (MetalLB's default) nothing tells the client again
    When the speaker runs on every node
    Then "client" gets exactly one answer for "203.0.113.141", from the elected node
    When "client" flushes its neighbour entry for "203.0.113.141" once the first announcements are over
    Then "client" still has no entry for "203.0.113.141" 2500 ms later
