@l2 @fields @doc-27.2.5 @ipv4
Feature: L2Advertisement fields and BGP with L2 on the same pool
  nodeSelectors on an L2Advertisement limit the election's candidates. And the document's opening: one
  pool may be advertised by BGP and L2 at once — routed from every selected node and answered on the
  segment by the elected node alone.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: shared
      spec:
        addresses:
          - 203.0.113.32/28
        autoAssign: false
      """

  Scenario: only nodes selected by the L2Advertisement are candidates
    Given nodes "NodeA, NodeB, NodeC" and the host "client" on one segment
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: ab-only
        namespace: metallb-system
      spec:
        ipAddressPools: [shared]
        nodeSelectors:
          - matchExpressions:
              - key: kubernetes.io/hostname
                operator: NotIn
                values: [NodeC]
      """
    And a Service "default/a" requesting "203.0.113.33" with a ready endpoint on "NodeA"
    And a Service "default/b" requesting "203.0.113.34" with a ready endpoint on "NodeA"
    And a Service "default/c" requesting "203.0.113.35" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "client" gets exactly one answer for "203.0.113.33", from the elected node among "NodeA, NodeB"
    And "client" gets exactly one answer for "203.0.113.34", from the elected node among "NodeA, NodeB"
    And "client" gets exactly one answer for "203.0.113.35", from the elected node among "NodeA, NodeB"

  @bgp @ibgp
  Scenario: the same pool over BGP from every node and over L2 from the elected node
    Given nodes "NodeA, NodeB", the router "tor" and the host "client" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: shared-bgp
        namespace: metallb-system
      spec:
        ipAddressPools: [shared]
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: shared-l2
        namespace: metallb-system
      spec:
        ipAddressPools: [shared]
      """
    And a Service "default/web" requesting "203.0.113.40" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops    | origin | as path | local pref | communities |
      | 203.0.113.40/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    And "client" gets exactly one answer for "203.0.113.40", from the elected node

  Scenario: externalTrafficPolicy Local: only a node with a ready endpoint owns the IP
    Given nodes "NodeA, NodeB, NodeC" and the host "client" on one segment
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: all-nodes
        namespace: metallb-system
      spec:
        ipAddressPools: [shared]
      """
    And a Service "default/local" with externalTrafficPolicy Local requesting "203.0.113.33" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "client" gets exactly one answer for "203.0.113.33", from the elected node among "NodeA"

  Scenario: a TCP connection to the Service IP reaches the node that answers for it
    Given nodes "NodeA, NodeB, NodeC" and the host "client" on one segment
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: all-nodes
        namespace: metallb-system
      spec:
        ipAddressPools: [shared]
      """
    And a Service "default/web" requesting "203.0.113.34" with a ready endpoint on "NodeA"
    And every node serves TCP port 8080 on "203.0.113.34", answering with its name
    When the speaker runs on every node
    Then "client" gets exactly one answer for "203.0.113.34", from the elected node
    And a TCP connection from "client" to "203.0.113.34" port 8080 reaches the elected node
